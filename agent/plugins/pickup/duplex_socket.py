"""One outbound WebSocket to one endpoint, used both ways: we send on it and read from it.

The learner's machine cannot be reached, so the only way anything comes back is on a
socket it opened itself. A pinned socket (the mediator's) is kept open for good: it
reconnects with capped back-off and sends WebSocket pings so NATs and proxies keep the
flow. Any other socket opens on demand and is closed by the pool once idle. aiohttp only;
what the frames mean is the listener's business.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

import aiohttp

from .backoff import Backoff
from .config import PickupConfig

LOGGER = logging.getLogger(__name__)
MAX_FRAME_BYTES = 32 * 1024 * 1024


class SocketListener(Protocol):
    """Told when a socket opens, closes, fails to connect, and what it reads."""

    async def on_open(self, sock: DuplexSocket) -> None: ...
    async def on_close(self, sock: DuplexSocket) -> None: ...
    async def on_connect_failed(self, sock: DuplexSocket, error: str) -> None: ...
    async def on_frame(self, sock: DuplexSocket, data: str | bytes) -> None: ...


class SocketUnavailableError(ConnectionError):
    """The socket is not open and could not be opened in time; ACA-Py retries the send."""


class DuplexSocket:
    """The WebSocket to `endpoint`; `send()` opens it if needed, `pin()` keeps it open."""

    def __init__(
        self,
        endpoint: str,
        http: aiohttp.ClientSession,
        listener: SocketListener,
        config: PickupConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = endpoint
        self.pinned = False
        self.last_used = clock()
        self._http = http
        self._listener = listener
        self._config = config
        self._clock = clock
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._connect_lock = asyncio.Lock()
        self._send_lock = asyncio.Lock()
        self._opened = asyncio.Event()
        self._closing = False
        self._backoff = Backoff(config.backoff_base_seconds, config.backoff_cap_seconds)

    @property
    def is_open(self) -> bool:
        return self._ws is not None and not self._ws.closed

    def pin(self) -> None:
        """Keep this socket open from now on, reconnecting whenever it drops."""
        self.pinned = True
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_open(), name=f"pickup socket {self}")

    async def send(self, payload: str | bytes) -> None:
        """Send one frame; open the socket first (or wait for the keeper to reopen it)."""
        ws = await self._usable_ws()
        async with self._send_lock:
            if isinstance(payload, bytes):
                payload = payload.decode("utf-8")  # packed DIDComm is JSON: send it as text
            try:
                await ws.send_str(payload)
            except (ConnectionError, aiohttp.ClientError, RuntimeError) as error:
                reason = f"sending to {self.endpoint} failed: {error}"
                raise SocketUnavailableError(reason) from None
        self.last_used = self._clock()

    async def drop(self) -> None:
        """Close the current connection; a pinned socket connects again after its back-off."""
        ws = self._ws
        if ws is not None:
            await ws.close()

    async def close(self) -> None:
        """Close for good (shutdown, or an idle socket that is not pinned)."""
        self._closing = True
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        ws = self._ws
        if ws is not None:
            await ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _usable_ws(self) -> aiohttp.ClientWebSocketResponse:
        if self._closing:
            raise SocketUnavailableError(f"the socket to {self.endpoint} is closed")
        ws = self._ws
        if ws is not None and not ws.closed:
            return ws
        if self.pinned:
            try:
                await asyncio.wait_for(self._opened.wait(), self._config.send_timeout_seconds)
            except TimeoutError:
                raise SocketUnavailableError(f"{self.endpoint} is not reachable now") from None
            if self._ws is not None and not self._ws.closed:
                return self._ws
            raise SocketUnavailableError(f"the socket to {self.endpoint} closed again")
        await self._connect()
        assert self._ws is not None
        return self._ws

    async def _connect(self) -> None:
        """Open the socket unless it is open; failures raise SocketUnavailableError."""
        async with self._connect_lock:
            if self.is_open:
                return
            try:
                ws = await asyncio.wait_for(
                    self._http.ws_connect(
                        self.endpoint,
                        heartbeat=self._config.keepalive_seconds,
                        autoping=True,
                        max_msg_size=MAX_FRAME_BYTES,
                    ),
                    self._config.connect_timeout_seconds,
                )
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                reason = str(error) or type(error).__name__
                await self._listener.on_connect_failed(self, reason)
                raise SocketUnavailableError(f"cannot open {self.endpoint}: {reason}") from None
            self._ws = ws
            self.last_used = self._clock()
            await self._listener.on_open(self)
            self._opened.set()
            self._reader = asyncio.create_task(self._read(ws), name=f"pickup reader {self}")

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Hand every frame to the listener, in order, until the socket closes."""
        try:
            async for frame in ws:
                if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    self.last_used = self._clock()
                    try:
                        await self._listener.on_frame(self, frame.data)
                    except Exception:
                        LOGGER.exception("pickup: a frame from %s could not be handled", self)
                elif frame.type == aiohttp.WSMsgType.ERROR:
                    LOGGER.info("pickup: socket to %s failed: %s", self, ws.exception())
                    break
        finally:
            self._opened.clear()
            if self._ws is ws:
                self._ws = None
            if not ws.closed:
                await ws.close()
            await self._listener.on_close(self)

    async def _keep_open(self) -> None:
        """Reconnect the pinned socket forever, backing off while the endpoint is away."""
        while not self._closing:
            if not self.is_open:
                try:
                    await self._connect()
                except SocketUnavailableError as error:
                    delay = self._backoff.next_delay()
                    LOGGER.info("pickup: %s; retrying in %.1f s", error, delay)
                    await asyncio.sleep(delay)
                    continue
            opened_at = self._clock()
            reader = self._reader
            if reader is not None:
                await asyncio.shield(reader)
            if self._closing:
                return
            if self._clock() - opened_at >= self._config.stable_after_seconds:
                self._backoff.reset()
            delay = self._backoff.next_delay()
            LOGGER.info("pickup: socket to %s closed; reconnecting in %.1f s", self, delay)
            await asyncio.sleep(delay)

    def __str__(self) -> str:
        return self.endpoint
