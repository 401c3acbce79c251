"""Whether the credential index holds everything ACA-Py holds, right now.

A proof request may only be answered from the index's claims (see claims.py) when no
stored credential can be missing from it: the index was reconciled with ACA-Py in this
run, no credential failed to be indexed since, and the credentials flow has handled every
event published before the question (an issuance's `done` is on the bus before any later
proof request, so an empty queue and an idle flow mean it is indexed). Otherwise the
caller falls back to asking ACA-Py for everything.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

LOGGER = logging.getLogger(__name__)


class IndexInStep:
    """Kept by the credentials flow; asked by the presentation flow."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Any] | None = None
        self._reconciled = False
        self._lagging = False
        self._busy = False
        self._changed = asyncio.Event()

    def follow(self, queue: asyncio.Queue[Any]) -> None:
        """The credentials flow's own event queue (what it has still to handle)."""
        self._queue = queue

    def reconciled(self) -> None:
        """ACA-Py's credentials and the index were compared and made equal."""
        self._reconciled, self._lagging = True, False
        self._signal()

    def lagging(self, why: str) -> None:
        """A credential may be missing from the index until the next reconciliation."""
        if not self._lagging:
            LOGGER.warning("credential index may miss a credential (%s)", why)
        self._lagging = True
        self._signal()

    def handling(self) -> None:
        self._busy = True

    def handled(self) -> None:
        self._busy = False
        self._signal()

    async def wait(self, seconds: float) -> bool:
        """True once in step; False at once if it cannot be, or after `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            if self._lagging or not self._reconciled or self._queue is None:
                return False
            if not self._busy and self._queue.empty():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return False

    def _signal(self) -> None:
        self._changed.set()
