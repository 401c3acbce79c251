"""One lock per DIDComm thread, shared by inbound handling and the store resume.

Held while a message of the thread is checked for duplicates and handled (auto-store
included), and while an interrupted store of the thread is finished: the two can never
overlap, so the resume cannot race ACA-Py's `--auto-store-credential`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ThreadLocks:
    """Locks live only while held or awaited, so the table does not grow with history."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def busy(self, thread_id: str) -> bool:
        """Someone holds or awaits the thread's lock."""
        return thread_id in self._locks

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(thread_id, (asyncio.Lock(), 0))
        self._locks[thread_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[thread_id]
            if users <= 1:
                del self._locks[thread_id]
            else:
                self._locks[thread_id] = (lock, users - 1)


THREAD_LOCKS = ThreadLocks()
