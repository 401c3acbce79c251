"""Inbound DIDComm over HTTP that answers only once the message is handled.

Given to ACA-Py by module path: `--inbound-transport agent.plugins.handled_inbound.transport
<host> <port>` (ACA-Py loads the one `BaseInboundTransport` subclass declared here). The
answer is 200 once ACA-Py's handler finished (or the message was handled before), 500 when
the handler failed and 503 while the agent stops, so the sender's outbound queue retries
(ACA-Py: 4 more times, 10 s apart) instead of believing a lost message delivered.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
from typing import Any

from acapy_agent.messaging.error import MessageParseError
from acapy_agent.transport.error import WireFormatParseError
from acapy_agent.transport.inbound import http as stock_http
from acapy_agent.transport.inbound.base import InboundTransportSetupError
from acapy_agent.transport.inbound.message import InboundMessage
from acapy_agent.transport.inbound.session import InboundSession
from acapy_agent.transport.wire_format import DIDCOMM_V0_MIME_TYPE, DIDCOMM_V1_MIME_TYPE
from aiohttp import web

from .handling import Handling, handle_and_wait, watch_handling_failures

LOGGER = logging.getLogger(__name__)


def stop_agent() -> None:
    """Ask this ACA-Py process to shut down as on Ctrl-C (its own signal handler)."""
    os.kill(os.getpid(), signal.SIGTERM)


class HandledHttpTransport(stock_http.HttpTransport):
    """ACA-Py's HTTP transport, with the answer moved after the handling."""

    def __init__(self, host: str, port: int, create_session: Any, **kwargs: Any) -> None:
        super().__init__(host, port, create_session, **kwargs)
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        watch_handling_failures(getattr(self._create_session, "__self__", None))
        try:
            await super().start()
        except InboundTransportSetupError as error:
            # ACA-Py starts transports in a task and carries on without this one: an agent that
            # says it is ready and that nobody can reach. Stop it instead; the controller reads
            # the reason in the log and, for a port no peer knows yet, picks another one.
            why = error.__cause__ or error.__context__ or error
            taken = isinstance(why, OSError) and why.errno == errno.EADDRINUSE
            LOGGER.error(
                "inbound transport on %s:%s not started (%s): stopping the agent",
                self.host,
                self.port,
                "address already in use" if taken else why,
            )
            stop_agent()
            raise

    async def stop(self) -> None:
        self._stopping.set()  # waiting requests answer 503 now; their senders retry later
        await super().stop()

    async def inbound_message_handler(self, request: web.BaseRequest) -> web.StreamResponse:
        if self._stopping.is_set():
            raise web.HTTPServiceUnavailable(reason="the agent is stopping")
        ctype = request.headers.get("content-type", "")
        if ctype.split(";", 1)[0].lower() == "application/json":
            body: str | bytes = await request.text()
        else:
            body = await request.read()
        client_info = {"host": request.host, "remote": request.remote}
        session = await self.create_session(
            accept_undelivered=True, can_respond=True, client_info=client_info
        )
        async with session:
            try:
                inbound = await _parse(session, body)
            except (MessageParseError, WireFormatParseError) as error:
                raise web.HTTPBadRequest(reason=str(error)) from None
            # The handling goes on if this request is cancelled (the sender hung up), so
            # the thread's lock is released only when ACA-Py is done with the message.
            handling = asyncio.ensure_future(handle_and_wait(session, inbound))
            handling.add_done_callback(_retrieve)
            outcome = await self._until_stopping(handling)
            if outcome is None:
                raise web.HTTPServiceUnavailable(reason="the agent is stopping")
            if outcome is Handling.FAILED:
                raise web.HTTPInternalServerError(reason="the message could not be handled")
            if outcome is Handling.HANDLED and inbound.receipt.direct_response_requested:
                return await _direct_response(session)
            return web.Response(status=200)

    async def _until_stopping(self, handling: asyncio.Future[Handling]) -> Handling | None:
        stopping: asyncio.Future[Any] = asyncio.ensure_future(self._stopping.wait())
        shielded: asyncio.Future[Any] = asyncio.shield(handling)
        try:
            await asyncio.wait({shielded, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not handling.done():
            return None
        if handling.exception() is not None:
            LOGGER.warning("inbound message not handled: %s", handling.exception())
            return Handling.FAILED
        return handling.result()


def _retrieve(done: asyncio.Future[Handling]) -> None:
    """Mark a late failure as seen (it was logged where it happened)."""
    if not done.cancelled():
        done.exception()


async def _parse(session: InboundSession, body: str | bytes) -> InboundMessage:
    """What `InboundSession.receive` does before dispatching (relay context for multitenancy)."""
    if getattr(session, "_check_relay_context", False):
        await session.handle_relay_context(body)
        session._check_relay_context = False
    return await session.parse_inbound(body)


async def _direct_response(session: InboundSession) -> web.Response:
    """A reply on the same connection (`~transport.return_route`), as ACA-Py answers it."""
    response = await session.wait_response() if session.response_buffer else None
    session.can_respond = False
    session.clear_response()
    if not response:
        return web.Response(status=200)
    if isinstance(response, bytes):
        new_type = session.profile.settings.get("emit_new_didcomm_mime_type")
        mime = DIDCOMM_V1_MIME_TYPE if new_type else DIDCOMM_V0_MIME_TYPE
        return web.Response(body=response, status=200, headers={"Content-Type": mime})
    return web.Response(text=response, status=200, headers={"Content-Type": "application/json"})
