"""The duplex socket against a real WebSocket server on loopback: both ways, kept, kept alive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from agent.plugins.pickup.config import PickupConfig
from agent.plugins.pickup.duplex_socket import DuplexSocket, SocketUnavailableError
from agent.plugins.pickup.socket_pool import SocketPool
from agent.ports import free_port

FAST = PickupConfig(
    keepalive_seconds=0.2,
    backoff_base_seconds=0.05,
    backoff_cap_seconds=0.2,
    connect_timeout_seconds=2,
    send_timeout_seconds=0.3,
    idle_close_seconds=0.3,
)
DEADLINE = 10.0


@dataclass
class Recorder:
    """A SocketListener that keeps what happened, in order."""

    events: asyncio.Queue[tuple[str, Any]] = field(default_factory=asyncio.Queue)

    async def on_open(self, sock: DuplexSocket) -> None:
        self.events.put_nowait(("open", sock.endpoint))

    async def on_close(self, sock: DuplexSocket) -> None:
        self.events.put_nowait(("close", sock.endpoint))

    async def on_connect_failed(self, sock: DuplexSocket, error: str) -> None:
        self.events.put_nowait(("failed", error))

    async def on_frame(self, sock: DuplexSocket, data: str | bytes) -> None:
        self.events.put_nowait(("frame", data))

    async def next(self, kind: str) -> Any:
        """The next event of `kind` (others are skipped), within the deadline."""

        async def find() -> Any:
            while True:
                event, value = await self.events.get()
                if event == kind:
                    return value

        try:
            return await asyncio.wait_for(find(), DEADLINE)
        except TimeoutError:
            raise AssertionError(f"no {kind!r} event within {DEADLINE} s") from None


@dataclass
class EchoServer:
    """A WebSocket server that answers `echo:<text>` and records pings and connections."""

    port: int
    connections: int = 0
    received: list[str] = field(default_factory=list)
    pings: asyncio.Event = field(default_factory=asyncio.Event)
    open_sockets: list[web.WebSocketResponse] = field(default_factory=list)
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        self.connections += 1
        self.open_sockets.append(ws)
        async for frame in ws:
            if frame.type == WSMsgType.PING:
                self.pings.set()
                await ws.pong(frame.data)
            elif frame.type == WSMsgType.TEXT:
                self.received.append(frame.data)
                await ws.send_str("echo:" + frame.data)
        self.open_sockets.remove(ws)
        return ws

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.get("/", self.handler)])
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def drop_clients(self) -> None:
        for ws in list(self.open_sockets):
            await ws.close()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[EchoServer]:
    echo = EchoServer(free_port())
    await echo.start()
    yield echo
    await echo.stop()


@pytest.fixture
async def pool() -> AsyncIterator[tuple[SocketPool, Recorder]]:
    recorder = Recorder()
    sockets = SocketPool(FAST, recorder)
    await sockets.start()
    yield sockets, recorder
    await sockets.close()


async def until(what: str, check: Callable[[], bool | Awaitable[bool]]) -> None:
    async def poll() -> None:
        while True:
            result = check()
            if result is True or (not isinstance(result, bool) and await result):
                return
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(poll(), DEADLINE)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def test_send_opens_the_socket_and_answers_come_back_on_it(
    server: EchoServer, pool: tuple[SocketPool, Recorder]
) -> None:
    sockets, recorder = pool
    await sockets.send(server.url, b'{"packed": 1}')
    assert await recorder.next("open") == server.url
    assert await recorder.next("frame") == 'echo:{"packed": 1}'
    await sockets.send(server.url, "second")
    assert await recorder.next("frame") == "echo:second"
    assert server.connections == 1  # one socket per endpoint
    assert server.received == ['{"packed": 1}', "second"]


async def test_a_pinned_socket_comes_back_after_the_server_drops_it(
    server: EchoServer, pool: tuple[SocketPool, Recorder]
) -> None:
    sockets, recorder = pool
    sock = sockets.pin(server.url)
    await recorder.next("open")
    await server.drop_clients()
    await recorder.next("close")
    await recorder.next("open")
    assert server.connections == 2
    await sock.send("after reconnect")
    assert await recorder.next("frame") == "echo:after reconnect"


async def test_a_pinned_socket_retries_until_the_endpoint_appears(
    pool: tuple[SocketPool, Recorder],
) -> None:
    sockets, recorder = pool
    late = EchoServer(free_port())
    sock = sockets.pin(late.url)
    await recorder.next("failed")
    with pytest.raises(SocketUnavailableError):
        await sock.send("too early")
    await late.start()
    try:
        await recorder.next("open")
        await sock.send("now")
        assert await recorder.next("frame") == "echo:now"
    finally:
        await late.stop()


async def test_keepalive_pings_reach_the_server(
    server: EchoServer, pool: tuple[SocketPool, Recorder]
) -> None:
    sockets, recorder = pool
    sockets.pin(server.url)
    await recorder.next("open")
    await asyncio.wait_for(server.pings.wait(), DEADLINE)


async def test_an_idle_socket_to_another_peer_is_closed_but_the_pinned_one_stays(
    server: EchoServer, pool: tuple[SocketPool, Recorder]
) -> None:
    sockets, recorder = pool
    other = EchoServer(free_port())
    await other.start()
    try:
        sockets.pin(server.url)
        await recorder.next("open")
        await sockets.send(other.url, "once")
        await until("the idle socket to be closed", lambda: not other.open_sockets)
        assert sockets.get(server.url).is_open
        assert len(server.open_sockets) == 1
    finally:
        await other.stop()


async def test_sending_to_an_endpoint_nobody_listens_on_fails_clearly(
    pool: tuple[SocketPool, Recorder],
) -> None:
    sockets, _ = pool
    with pytest.raises(SocketUnavailableError, match="cannot open"):
        await sockets.send(f"ws://127.0.0.1:{free_port()}", "hello")


async def test_dropping_a_pinned_socket_connects_it_again(
    server: EchoServer, pool: tuple[SocketPool, Recorder]
) -> None:
    sockets, recorder = pool
    sock = sockets.pin(server.url)
    await recorder.next("open")
    await sock.drop()
    await recorder.next("close")
    await recorder.next("open")
    assert server.connections == 2
