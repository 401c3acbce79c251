"""The bench's own webhook receiver: the peers and the bare holder report here.

Pushed webhooks, not polling, time the end of each flow, so both holders are timed by the
same clock with no polling granularity. Every event is kept with its arrival time, so an
event that arrives before anyone waits for it is still found.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from agent.ports import LOOPBACK, free_port

Match = Callable[[dict[str, Any]], bool]


@dataclass
class Hook:
    who: str
    topic: str
    payload: dict[str, Any]
    at: float  # time.perf_counter() on arrival


@dataclass
class HookBoard:
    """Receives `<url>/<who>/topic/<topic>/` and wakes whoever waits for a matching event."""

    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    events: list[Hook] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{who}/topic/{topic}/", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, LOOPBACK, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, who: str) -> str:
        """The webhook URL (ACA-Py's `url#secret` form) for one agent."""
        return f"http://{LOOPBACK}:{self.port}/{who}#{self.secret}"

    def base_url(self, who: str) -> str:
        return f"http://{LOOPBACK}:{self.port}/{who}"

    async def _receive(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        if request.headers.get("x-api-key") != self.secret:
            return web.Response(status=401)
        payload = await request.json()
        hook = Hook(request.match_info["who"], request.match_info["topic"], payload, arrived)
        async with self._changed:
            self.events.append(hook)
            self._changed.notify_all()
        return web.Response(status=200)

    def mark(self) -> int:
        """Where the log stands now: wait for events after this mark only."""
        return len(self.events)

    async def wait(
        self,
        who: str,
        topic: str,
        match: Match,
        *,
        after: int = 0,
        timeout: float = 60.0,  # noqa: ASYNC109 (a deadline named in the failure)
    ) -> Hook:
        """The first event from `who` on `topic` after the mark that `match`es."""

        def found() -> Hook | None:
            return next(
                (
                    e
                    for e in self.events[after:]
                    if e.who == who and e.topic == topic and match(e.payload)
                ),
                None,
            )

        async def waiting() -> Hook:
            async with self._changed:
                while (hook := found()) is None:
                    await self._changed.wait()
                return hook

        try:
            return await asyncio.wait_for(waiting(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"timed out after {timeout:g} s waiting for a {topic} webhook from {who}"
            ) from None


def state_is(state: str, **fields: str) -> Match:
    """Match a webhook payload by state and exact field values (ids, thread)."""

    def match(payload: dict[str, Any]) -> bool:
        inner = payload.get("cred_ex_record", payload)
        if not isinstance(inner, dict):
            inner = payload
        return inner.get("state") == state and all(
            inner.get(k) == v or payload.get(k) == v for k, v in fields.items()
        )

    return match
