"""The pickup client's decisions, without I/O: events in, messages to send and work out.

On each (re)connect it asks for live delivery and the queue status; a `status` makes it
use Message Pickup 2.0 (delivery-request until the queue is empty, messages-received once
ACA-Py has handled a batch). A problem report to its status-request makes it try Message
Pickup 1.0 (a `batch-pickup`; a `batch` back means `pickup1`, see `messages_v1.py` for
what 1.0 cannot promise); a problem report to that too, or no answer at all within
`status_timeout_seconds`, makes it fall back to implicit delivery (a trust ping on the open
socket, which makes a mediator such as ACA-Py 1.7 flush what it holds).
The driver (`client.py`) performs the actions and reports back; `now` is a monotonic clock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .config import PickupConfig
from .messages import (
    Attachment,
    Delivery,
    ProblemReport,
    Status,
    delivery_request,
    is_problem_report,
    live_delivery_change,
    messages_received,
    parse_delivery,
    parse_problem_report,
    parse_status,
    pickup_name,
    status_request,
    trust_ping,
)
from .messages_v1 import batch_pickup, parse_batch, pickup1_name

Mode = Literal["pickup2", "pickup1", "implicit"]
PICKUP_MODES = ("pickup2", "pickup1")
SEEN_LIMIT = 5000
OURS_LIMIT = 64


@dataclass(frozen=True)
class Send:
    """Pack this message for the mediator and send it on the socket."""

    message: dict[str, Any]


@dataclass(frozen=True)
class Reconnect:
    """The socket is open but the mediator answers nothing on it: drop it and connect again."""


@dataclass(frozen=True)
class Handle:
    """Hand these attachments to ACA-Py, then report with `on_handled`; ack `ack_ids` after."""

    attachments: tuple[Attachment, ...]
    ack_ids: tuple[str, ...]
    more: bool = False  # a full pickup 1.0 batch: ask for the next once these are handled


Action = Send | Handle | Reconnect


class PickupProtocol:
    """Message Pickup 2.0 client state for one mediator connection."""

    def __init__(self, config: PickupConfig) -> None:
        self.config = config
        self.mode: Mode | None = None
        self.live: bool | None = None
        self.connected = False
        self._ours: OrderedDict[str, None] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._pending: set[str] = set()
        self._live_request_id: str | None = None
        self._status_request_id: str | None = None
        self._delivery_request_id: str | None = None
        self._batch_request_id: str | None = None
        self._pickup1_refused = False
        self._probe_deadline: float | None = None
        self._alive_deadline: float | None = None
        self._delivery_deadline: float | None = None
        self._status_expected_by: float | None = None
        self._poll_at: float | None = None

    def claims(self, payload: Mapping[str, Any]) -> bool:
        """True for pickup 2.0 and 1.0 messages and problem reports to our own messages."""
        if pickup_name(payload) is not None or pickup1_name(payload) is not None:
            return True
        if is_problem_report(payload):
            report = parse_problem_report(payload)
            return bool({report.thread_id, report.parent_thread_id} & set(self._ours))
        return False

    def on_connect(self, now: float) -> list[Action]:
        self.connected = True
        self._alive_deadline = None
        self._delivery_request_id = self._delivery_deadline = self._status_expected_by = None
        live = self._send(live_delivery_change(True))
        status = self._send(status_request())
        self._live_request_id = live.message["@id"]
        self._status_request_id = status.message["@id"]
        self._probe_deadline = now + self.config.status_timeout_seconds
        actions: list[Action] = [live, status]
        if self.mode == "implicit":
            actions.append(Send(trust_ping()))
        elif self.mode == "pickup1":
            actions.append(self._batch_pickup())
        self._schedule_poll(now)
        return actions

    def on_disconnect(self) -> None:
        """The socket is gone; live delivery is unknown until a new connection confirms it."""
        self.connected = False
        self.live = None
        self._alive_deadline = None
        self._probe_deadline = self._delivery_deadline = self._status_expected_by = None
        self._delivery_request_id = self._batch_request_id = None
        self._poll_at = None

    def on_message(self, payload: Mapping[str, Any], now: float) -> list[Action]:
        """A message `claims` accepted; a malformed one raises PickupMessageError."""
        self._alive_deadline = None
        name = pickup_name(payload)
        if name == "status":
            return self._on_status(parse_status(payload), now)
        if name == "delivery":
            return self._on_delivery(parse_delivery(payload), now)
        if pickup1_name(payload) == "batch":
            return self._on_batch(parse_batch(payload), now)
        if is_problem_report(payload):
            return self._on_problem(parse_problem_report(payload), now)
        return []

    def on_handled(self, handle: Handle, handled: Collection[str], now: float) -> list[Action]:
        """ACA-Py is done with `handled`; the rest (timed out) stay unacknowledged."""
        ids = {a.id for a in handle.attachments}
        self._pending -= ids
        for attachment_id in handled:
            self._remember(self._seen, attachment_id, SEEN_LIMIT)
        unfinished = ids - set(handled)
        if handle.more and not unfinished and self._batch_request_id is None:
            return [self._batch_pickup()]
        ack = [i for i in handle.ack_ids if i not in unfinished]
        if not ack:
            return []
        self._status_expected_by = now + self.config.status_timeout_seconds
        return [self._send(messages_received(ack))]

    def on_direct(self) -> list[Action]:
        """A message arrived on the socket outside pickup: an implicit mediator may hold more.

        Also while the mode is still unknown: ACA-Py as mediator returns one message per
        socket at a time and queues the rest, until the next message it handles from us.
        """
        self._alive_deadline = None
        if self.connected and self.mode not in PICKUP_MODES:
            return [Send(trust_ping())]
        return []

    def on_tick(self, now: float) -> list[Action]:
        """Whatever deadline passed: a silent probe, an unanswered request, the next poll."""
        if not self.connected:
            return []
        actions: list[Action] = []
        if self._alive_deadline is not None and now >= self._alive_deadline:
            self._alive_deadline = None
            return [Reconnect()]
        if self._probe_deadline is not None and now >= self._probe_deadline:
            # Silence: a mediator without pickup that ignores unknown messages, or a socket
            # nobody reads (Credo accepts sockets before its agent is ready). A ping that
            # asks for an answer tells them apart.
            self._probe_deadline = None
            self._set_mode("implicit", now)
            self._alive_deadline = now + self.config.status_timeout_seconds
            actions.append(Send(trust_ping(response_requested=True)))
        if self._delivery_deadline is not None and now >= self._delivery_deadline:
            self._delivery_request_id = self._delivery_deadline = None
            actions.append(self._status_request())
        if self._status_expected_by is not None and now >= self._status_expected_by:
            self._status_expected_by = None
            actions.append(self._status_request())
        if self._poll_at is not None and now >= self._poll_at:
            if self.mode == "implicit":
                actions.append(Send(trust_ping()))
            elif self.mode == "pickup2":
                actions.append(self._status_request())
            elif self.mode == "pickup1":
                actions.append(self._batch_pickup())  # also when the last went unanswered
            self._schedule_poll(now)
        return actions

    def next_deadline(self) -> float | None:
        pending = [
            t
            for t in (
                self._alive_deadline,
                self._probe_deadline,
                self._delivery_deadline,
                self._status_expected_by,
                self._poll_at,
            )
            if t is not None
        ]
        return min(pending) if pending else None

    def _on_status(self, status: Status, now: float) -> list[Action]:
        self._probe_deadline = self._status_expected_by = None
        if status.live_delivery is not None:
            self.live = status.live_delivery
        self._set_mode("pickup2", now)
        if status.thread_id is not None and status.thread_id == self._delivery_request_id:
            self._delivery_request_id = self._delivery_deadline = None
        if status.message_count == 0:
            self._delivery_request_id = self._delivery_deadline = None
            return []
        if self._delivery_request_id is not None:
            return []  # one delivery-request at a time
        request = self._send(delivery_request(self.config.delivery_limit))
        self._delivery_request_id = request.message["@id"]
        self._delivery_deadline = now + self.config.status_timeout_seconds
        return [request]

    def _on_delivery(self, delivery: Delivery, now: float) -> list[Action]:
        self._probe_deadline = self._status_expected_by = None
        self._delivery_request_id = self._delivery_deadline = None  # Credo does not thread it
        self._set_mode("pickup2", now)
        fresh = [
            a for a in delivery.attachments if a.id not in self._seen and a.id not in self._pending
        ]
        ack = [a.id for a in delivery.attachments if a.id not in self._pending]
        ack += list(delivery.bad_ids)  # undecodable: offering them again would not help
        if not fresh:
            if not ack:
                return []
            self._status_expected_by = now + self.config.status_timeout_seconds
            return [self._send(messages_received(ack))]
        self._pending.update(a.id for a in fresh)
        return [Handle(tuple(fresh), tuple(ack))]

    def _on_problem(self, report: ProblemReport, now: float) -> list[Action]:
        about = {report.thread_id, report.parent_thread_id} - {None}
        actions: list[Action] = []
        if self._live_request_id in about:
            self.live = False
        if self._delivery_request_id in about:
            self._delivery_request_id = self._delivery_deadline = None
        if self._batch_request_id in about:  # no pickup 1.0 either
            self._batch_request_id = None
            self._pickup1_refused = True
            self._probe_deadline = None
            self._set_mode("implicit", now)
        elif self._status_request_id in about and self.mode not in PICKUP_MODES:
            if not self._pickup1_refused:
                # No pickup 2.0: try 1.0 before settling for implicit delivery; the request
                # also lets a mediator that answers one message at a time send the next.
                self._probe_deadline = now + self.config.status_timeout_seconds
                return [self._batch_pickup()]
            self._probe_deadline = None
            self._set_mode("implicit", now)
        if self.mode not in PICKUP_MODES:
            actions.extend(self.on_direct())
        return actions

    def _on_batch(self, batch: Delivery, now: float) -> list[Action]:
        """A pickup 1.0 `batch`: the mediator has already deleted it, so there is no ack.

        A batch as large as asked for means more may wait: the next `batch-pickup` goes
        out once this one is handled, so at most one batch is ever at risk.
        """
        self._probe_deadline = self._status_expected_by = None
        self._batch_request_id = None
        self._set_mode("pickup1", now)
        fresh = [
            a for a in batch.attachments if a.id not in self._seen and a.id not in self._pending
        ]
        more = len(batch.attachments) + len(batch.bad_ids) >= self.config.delivery_limit
        if not fresh:
            return [self._batch_pickup()] if more else []
        self._pending.update(a.id for a in fresh)
        return [Handle(tuple(fresh), (), more=more)]

    def _set_mode(self, mode: Mode, now: float) -> None:
        if self.mode != mode:
            self.mode = mode
            self._schedule_poll(now)

    def _schedule_poll(self, now: float) -> None:
        if self.mode == "pickup2" and self.live is not False:
            self._poll_at = now + self.config.pickup_poll_seconds
        elif self.mode == "pickup1":
            self._poll_at = now + self.config.implicit_poll_seconds  # 1.0 has no live mode
        elif self.mode is not None:
            self._poll_at = now + self.config.implicit_poll_seconds
        else:
            self._poll_at = None

    def _batch_pickup(self) -> Send:
        sent = self._send(batch_pickup(self.config.delivery_limit))
        self._batch_request_id = sent.message["@id"]
        return sent

    def _status_request(self) -> Send:
        sent = self._send(status_request())
        self._status_request_id = sent.message["@id"]
        return sent

    def _send(self, message: dict[str, Any]) -> Send:
        self._remember(self._ours, message["@id"], OURS_LIMIT)
        return Send(message)

    @staticmethod
    def _remember(store: OrderedDict[str, None], key: str, limit: int) -> None:
        store[key] = None
        store.move_to_end(key)
        while len(store) > limit:
            store.popitem(last=False)
