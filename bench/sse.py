"""Reads the wallet's `GET /api/events` stream, keeping every event with its arrival time.

The wallet stamps each event (`at`) when its bus publishes it; the webhook event that ACA-Py
sent and the `request_received` event that follows it give the wallet's own
"webhook to prompt" time without any polling.

An event's JSON is decoded only when a wait looks at an event of its topic: the bench shares
the machine's two cores with the processes it times, so it keeps its own work off the
intervals it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp


@dataclass
class WalletEvent:
    topic: str
    raw: str
    arrived: float  # time.perf_counter() in the bench
    _data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.raw)
        return self._data

    @property
    def stamped(self) -> datetime:
        return datetime.fromisoformat(str(self.data["at"]))


@dataclass
class EventStream:
    url: str
    token: str
    events: list[WalletEvent] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _task: asyncio.Task[None] | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._read(), name="wallet events")
        await asyncio.wait_for(self._connected.wait(), 30)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _read(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(self.url, headers=headers) as response,
        ):
            response.raise_for_status()
            self._connected.set()
            topic, data = "", ""
            async for raw in response.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    topic = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and topic and data:
                    event = WalletEvent(topic, data, time.perf_counter())
                    async with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
                    topic, data = "", ""

    def mark(self) -> int:
        return len(self.events)

    async def wait(
        self,
        topic: str,
        *,
        after: int = 0,
        timeout: float = 60.0,  # noqa: ASYNC109 (a deadline named in the failure)
        **fields: Any,
    ) -> WalletEvent:
        """The first event on `topic` after the mark whose data has these field values."""

        def found() -> WalletEvent | None:
            return next(
                (
                    e
                    for e in self.events[after:]
                    if e.topic == topic and all(e.data.get(k) == v for k, v in fields.items())
                ),
                None,
            )

        async def waiting() -> WalletEvent:
            async with self._changed:
                while (event := found()) is None:
                    await self._changed.wait()
                return event

        try:
            return await asyncio.wait_for(waiting(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for the wallet's {topic} event {fields}"
            ) from None
