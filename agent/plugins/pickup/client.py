"""The pickup client at work: finds the mediator, keeps its socket, runs `PickupProtocol`.

One task handles the socket's events in order. A delivery is handed to ACA-Py one message
at a time, and each is awaited until ACA-Py's dispatcher has finished its handler
(`handled_inbound`'s `handle_and_wait`, which waits for `Conductor.dispatch_complete`):
the handler has then stored what the message changed (the exchange record, the credential
with `--auto-store-credential`). Only then is the batch acknowledged, so a crash before it
means the mediator offers the messages again, and the duplicate guard of `handle_and_wait`
makes sure a message handled just before the crash is not handled twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.transport.error import WireFormatParseError
from acapy_agent.transport.inbound.message import InboundMessage
from acapy_agent.transport.wire_format import BaseWireFormat

from ..handled_inbound.handling import Handling
from .bridge import InboundBridge
from .config import PickupConfig
from .duplex_socket import DuplexSocket, SocketUnavailableError
from .mediator import MediatorLink, NoSocketEndpointError, wait_for_mediator_link
from .messages import PickupMessageError
from .protocol import Action, Handle, PickupProtocol, Reconnect, Send
from .reporter import StateReporter
from .socket_pool import SocketPool

LOGGER = logging.getLogger(__name__)


async def next_event[T](events: asyncio.Queue[T], wait_seconds: float | None) -> T | None:
    """The next event, or None once `wait_seconds` passed without one.

    One already waiting is taken at once: `asyncio.wait_for(queue.get(), 0)` raises
    TimeoutError even then (Python 3.12+), so a deadline that passed while events waited (a
    send or a close that took seconds) left the client looping without ever taking one.
    """
    if not events.empty():
        return events.get_nowait()
    try:
        return await asyncio.wait_for(events.get(), wait_seconds)
    except TimeoutError:
        return None


class PickupClient:
    """Message Pickup 2.0 client (with 1.0 and implicit fallbacks) on the mediator's socket."""

    def __init__(
        self,
        profile: Profile,
        pool: SocketPool,
        bridge: InboundBridge,
        config: PickupConfig,
        mediator_hint: str | None = None,
    ) -> None:
        self.profile = profile
        self.mediator_hint = mediator_hint
        self.pool = pool
        self.bridge = bridge
        self.config = config
        self.protocol = PickupProtocol(config)
        self.reporter = StateReporter(profile)
        self.link: MediatorLink | None = None
        self._sock: DuplexSocket | None = None
        self._events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.stopping = False

    async def run(self) -> None:
        """Wait for the mediator's connection, pin its socket, then work for good."""
        await self.reporter.update(state="connecting")
        self.link = await self._wait_for_link()
        await self.reporter.update(
            mediator_label=self.link.label,
            mediator_endpoint=self.link.endpoint,
            mediator_connection_id=self.link.connection_id,
        )
        self.bridge.client = self
        self._sock = self.pool.pin(self.link.endpoint)
        if self._sock.is_open:  # already open: ACA-Py's own messages to the mediator opened it
            self._events.put_nowait(("up", None))
        LOGGER.info("pickup: keeping a socket to %s (%s)", self.link.label, self.link.endpoint)
        await self._work()

    async def _wait_for_link(self) -> MediatorLink:
        while True:
            try:
                return await wait_for_mediator_link(self.profile, self.mediator_hint)
            except NoSocketEndpointError as error:
                await self.reporter.update(state="offline", error=str(error))
                await asyncio.sleep(60)

    # The bridge's callbacks: only the mediator's socket concerns the client.

    def claims(self, sock: DuplexSocket, payload: dict[str, Any]) -> bool:
        try:
            return sock is self._sock and self.protocol.claims(payload)
        except PickupMessageError:
            return False

    async def take(self, sock: DuplexSocket, message: InboundMessage) -> None:
        self._events.put_nowait(("message", message.payload))

    async def saw_direct(self, sock: DuplexSocket) -> None:
        if sock is self._sock:
            self._events.put_nowait(("direct", None))

    async def socket_changed(self, sock: DuplexSocket, up: bool, error: str | None) -> None:
        if sock is self._sock:
            self._events.put_nowait(("up" if up else "down", error))

    async def _work(self) -> None:
        while True:
            deadline = self.protocol.next_deadline()
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            event = await next_event(self._events, timeout)
            now = time.monotonic()
            LOGGER.debug("pickup: event %s", event and event[0])
            actions = await self._on_event(event, now) if event is not None else []
            if self._events.empty():
                actions += self.protocol.on_tick(now)
            await self._perform(actions)

    async def _on_event(self, event: tuple[str, Any], now: float) -> list[Action]:
        kind, value = event
        if kind == "up":
            await self.reporter.socket(True)
            return self.protocol.on_connect(now)
        if kind == "down":
            self.protocol.on_disconnect()
            await self.reporter.socket(False, value, live=None)
            return []
        if kind == "direct":
            await self.reporter.message_arrived()
            return self.protocol.on_direct()
        try:
            return self.protocol.on_message(value, now)
        except PickupMessageError as error:
            LOGGER.warning("pickup: malformed message from the mediator: %s", error)
            return []

    async def _perform(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Send):
                await self._send(action.message)
            elif isinstance(action, Reconnect):
                assert self._sock is not None
                LOGGER.warning("pickup: %s answers nothing on its socket; reconnecting", self._sock)
                await self._sock.drop()
            else:
                handled = await self._handle(action)
                await self._perform(self.protocol.on_handled(action, handled, time.monotonic()))
        await self.reporter.update(mode=self.protocol.mode, live=self.protocol.live)

    async def _send(self, message: dict[str, Any]) -> None:
        """Pack for the mediator (its connection's keys) and send on the pinned socket."""
        assert self.link is not None and self._sock is not None
        if not self._sock.is_open:
            # Nothing to wait for: every pickup message is sent anew after a reconnect.
            LOGGER.debug("pickup: %s not sent, the socket is down", message.get("@type"))
            return
        target = self.link.target
        wire_format = self.profile.inject(BaseWireFormat)
        async with self.profile.session() as session:
            packed = await wire_format.encode_message(
                session,
                json.dumps(message),
                target.recipient_keys,
                target.routing_keys,
                target.sender_key,
            )
        try:
            await self._sock.send(packed)
        except SocketUnavailableError as error:
            LOGGER.info("pickup: %s not sent (%s)", message.get("@type"), error)

    async def _handle(self, handle: Handle) -> list[str]:
        """Each attachment to ACA-Py, in order; the ids it finished (or can never handle).

        A handler that failed counts as finished (ACA-Py logged it; offering a message that
        fails every time again would not help); one handled before is not handled again.
        """
        done: list[str] = []
        for attachment in handle.attachments:
            try:
                handling = await self.bridge.deliver(attachment.packed)
            except WireFormatParseError as error:
                LOGGER.warning("pickup: attachment %s is unreadable: %s", attachment.id, error)
                done.append(attachment.id)
                continue
            try:
                outcome = await asyncio.wait_for(
                    asyncio.shield(handling), self.config.handle_timeout_seconds
                )
            except TimeoutError:
                LOGGER.warning(
                    "pickup: ACA-Py did not finish message %s within %g s; not acknowledged",
                    attachment.id,
                    self.config.handle_timeout_seconds,
                )
                continue
            if self.stopping:
                # ACA-Py is shutting down: a handler may have been cut off by the closing
                # store, so nothing from here on counts as handled.
                break
            if outcome is Handling.DUPLICATE:
                LOGGER.info("pickup: message %s was handled before; acknowledged", attachment.id)
            done.append(attachment.id)
            await self.reporter.message_arrived()
        return done
