"""What our sockets read enters ACA-Py as if one of its inbound transports had received it.

Each open socket gets an `InboundSession` from ACA-Py's `InboundTransportManager`; a frame
is unpacked once (`parse_inbound`), offered to the pickup client (which takes its own
protocol's messages before ACA-Py's dispatcher would refuse them as unknown), and
otherwise handed on with `receive_inbound`, which ends in `Conductor.inbound_message_router`.
The sessions cannot respond: a reply inside a pickup delivery must go to its sender, not
back to the mediator, so ACA-Py routes every reply by its connection as usual.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol
from urllib.parse import urlsplit

from acapy_agent.core.profile import Profile
from acapy_agent.transport.error import WireFormatParseError
from acapy_agent.transport.inbound.manager import InboundTransportManager
from acapy_agent.transport.inbound.message import InboundMessage
from acapy_agent.transport.inbound.session import InboundSession

from ..handled_inbound.handling import Handling, handle_and_wait, watch_handling_failures
from .duplex_socket import DuplexSocket

LOGGER = logging.getLogger(__name__)
TRANSPORT_TYPE = "ws"


class NoInboundManagerError(RuntimeError):
    """ACA-Py runs without inbound transports (`--no-transport`): nothing can be received."""


class SocketClient(Protocol):
    """The pickup client: claims its own messages and hears about the mediator's socket."""

    def claims(self, sock: DuplexSocket, payload: dict[str, Any]) -> bool: ...
    async def take(self, sock: DuplexSocket, message: InboundMessage) -> None: ...
    async def saw_direct(self, sock: DuplexSocket) -> None: ...
    async def socket_changed(self, sock: DuplexSocket, up: bool, error: str | None) -> None: ...


class InboundBridge:
    """The `SocketListener` of the pool: sockets → ACA-Py's inbound path."""

    def __init__(self) -> None:
        self.profile: Profile | None = None
        self.client: SocketClient | None = None
        self._sessions: dict[DuplexSocket, InboundSession] = {}
        self._delivery_session: InboundSession | None = None

    def attach(self, profile: Profile) -> None:
        """Bind the root profile once ACA-Py has one; without an inbound manager, refuse."""
        if profile.inject_or(InboundTransportManager) is None:
            raise NoInboundManagerError(
                "the pickup transport needs ACA-Py's inbound transport manager: keep an "
                "inbound transport configured on loopback (not --no-transport)"
            )
        watch_handling_failures(profile.inject(InboundTransportManager))
        self.profile = profile

    async def on_open(self, sock: DuplexSocket) -> None:
        self._sessions[sock] = await self._new_session(sock.endpoint)
        if self.client is not None:
            await self.client.socket_changed(sock, True, None)

    async def on_close(self, sock: DuplexSocket) -> None:
        session = self._sessions.pop(sock, None)
        if session is not None:
            session.close()
        if self.client is not None:
            await self.client.socket_changed(sock, False, None)

    async def on_connect_failed(self, sock: DuplexSocket, error: str) -> None:
        if self.client is not None:
            await self.client.socket_changed(sock, False, error)

    async def on_frame(self, sock: DuplexSocket, data: str | bytes) -> None:
        session = self._sessions.get(sock) or await self._new_session(sock.endpoint)
        try:
            message = await session.parse_inbound(data)
        except WireFormatParseError as error:
            LOGGER.warning("pickup: unreadable frame from %s: %s", sock, error)
            return
        client = self.client
        payload = message.payload
        if client is not None and isinstance(payload, dict) and client.claims(sock, payload):
            await client.take(sock, message)
            return
        session.receive_inbound(message)
        if client is not None:
            await client.saw_direct(sock)

    async def deliver(self, packed: bytes) -> asyncio.Future[Handling]:
        """Hand one packed message (a pickup attachment) to ACA-Py; the future of its handling.

        It goes through `handled_inbound`'s `handle_and_wait`, under its thread's lock: a
        message ACA-Py's records show as handled before (the mediator offers it again after
        a crash between handling and `messages-received`) is not handled twice. The handling
        goes on when whoever awaits it gives up, so the lock is held until ACA-Py is done.
        Raises WireFormatParseError when it is not even JSON.
        """
        if self._delivery_session is None or self._delivery_session.closed:
            self._delivery_session = await self._new_session("pickup delivery")
        session = self._delivery_session
        message = await session.parse_inbound(packed)
        handling = asyncio.ensure_future(handle_and_wait(session, message))
        handling.add_done_callback(_retrieve)
        return handling

    async def _new_session(self, remote: str) -> InboundSession:
        if self.profile is None:
            raise NoInboundManagerError("the pickup bridge has no profile yet")
        manager = self.profile.inject(InboundTransportManager)
        host = urlsplit(remote).netloc or remote
        return await manager.create_session(
            TRANSPORT_TYPE, can_respond=False, client_info={"host": host, "remote": remote}
        )


def _retrieve(done: asyncio.Future[Handling]) -> None:
    """Mark a late failure as seen (`handle_and_wait` logged it where it happened)."""
    if not done.cancelled():
        done.exception()
