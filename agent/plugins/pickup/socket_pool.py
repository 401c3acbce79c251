"""The sockets of this agent, one per endpoint, shared by the transport and the pickup client.

One socket per endpoint is a rule, not a saving: Credo replaces an older WebSocket session
of the same connection with a newer one and then stops live delivery, so the pickup client
and ACA-Py's own messages to the mediator must travel on the very same socket. Sockets to
other endpoints close once idle; the mediator's is pinned and stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import aiohttp

from .config import PickupConfig
from .duplex_socket import DuplexSocket, SocketListener

LOGGER = logging.getLogger(__name__)


class SocketPool:
    """Endpoint → `DuplexSocket`; `start()` before use, `close()` at shutdown."""

    def __init__(
        self,
        config: PickupConfig,
        listener: SocketListener,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.listener = listener
        self._clock = clock
        self._sockets: dict[str, DuplexSocket] = {}
        self._http: aiohttp.ClientSession | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._http is None:
            self._http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), trust_env=True)
            self._sweeper = asyncio.create_task(self._sweep_idle(), name="pickup idle sweeper")

    def get(self, endpoint: str) -> DuplexSocket:
        """The socket for `endpoint`, created (not yet opened) if there is none."""
        if self._http is None:
            raise RuntimeError("the socket pool is not started")
        sock = self._sockets.get(endpoint)
        if sock is None:
            sock = DuplexSocket(endpoint, self._http, self.listener, self.config, self._clock)
            self._sockets[endpoint] = sock
        return sock

    def pin(self, endpoint: str) -> DuplexSocket:
        """Keep the socket to `endpoint` open for good (the mediator's)."""
        sock = self.get(endpoint)
        sock.pin()
        return sock

    async def send(self, endpoint: str, payload: str | bytes) -> None:
        await self.get(endpoint).send(payload)

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for sock in list(self._sockets.values()):
            await sock.close()
        self._sockets.clear()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _sweep_idle(self) -> None:
        """Close sockets to other peers than the mediator once nothing used them for a while."""
        limit = self.config.idle_close_seconds
        while True:
            await asyncio.sleep(min(limit, 15.0))
            now = self._clock()
            for endpoint, sock in list(self._sockets.items()):
                if not sock.pinned and now - sock.last_used >= limit:
                    LOGGER.debug("pickup: closing idle socket to %s", endpoint)
                    del self._sockets[endpoint]
                    await sock.close()
