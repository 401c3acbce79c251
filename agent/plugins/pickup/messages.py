"""Message Pickup 2.0 (RFC 0685) messages as plain dicts: built here, parsed here, no ACA-Py.

ACA-Py 1.7 has no pickup protocol, and the client must see these messages before ACA-Py's
dispatcher does (it would answer them with "unrecognized message type"), so they never
become ACA-Py message classes. Every message we send asks for `return_route: all`, because
the mediator can only answer on the socket the message came in on.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PICKUP_2 = "https://didcomm.org/messagepickup/2.0/"
TRUST_PING = "https://didcomm.org/trust_ping/1.0/ping"
DIDCOMM_PREFIXES = ("https://didcomm.org/", "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/")
RETURN_ROUTE_ALL = {"return_route": "all"}


class PickupMessageError(ValueError):
    """A pickup message from the mediator that does not have the shape RFC 0685 gives it."""


@dataclass(frozen=True)
class Status:
    """How many messages wait at the mediator, and whether it delivers live."""

    message_count: int
    live_delivery: bool | None
    thread_id: str | None


@dataclass(frozen=True)
class Attachment:
    """One queued message: the mediator's id for it and the packed DIDComm message."""

    id: str
    packed: bytes


@dataclass(frozen=True)
class Delivery:
    """A batch of queued messages, to be acknowledged by attachment id once handled."""

    attachments: tuple[Attachment, ...]
    bad_ids: tuple[str, ...]
    thread_id: str | None


@dataclass(frozen=True)
class ProblemReport:
    """A problem report; `thread_id` names the message it answers."""

    thread_id: str | None
    parent_thread_id: str | None
    code: str | None
    comment: str | None


def new_id() -> str:
    return str(uuid.uuid4())


def unqualified(message_type: object) -> str:
    """`https://didcomm.org/messagepickup/2.0/status` and the did:sov form both lose the prefix."""
    text = str(message_type or "")
    for prefix in DIDCOMM_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _message(name: str, **body: Any) -> dict[str, Any]:
    return {"@type": PICKUP_2 + name, "@id": new_id(), **body, "~transport": RETURN_ROUTE_ALL}


def status_request() -> dict[str, Any]:
    return _message("status-request")


def delivery_request(limit: int) -> dict[str, Any]:
    return _message("delivery-request", limit=limit)


def messages_received(ids: Iterable[str]) -> dict[str, Any]:
    return _message("messages-received", message_id_list=list(ids))


def live_delivery_change(live: bool) -> dict[str, Any]:
    return _message("live-delivery-change", live_delivery=live)


def trust_ping(response_requested: bool = False) -> dict[str, Any]:
    """A ping; without an answer asked for, it only makes an implicit mediator flush its queue."""
    return {
        "@type": TRUST_PING,
        "@id": new_id(),
        "response_requested": response_requested,
        "~transport": RETURN_ROUTE_ALL,
    }


def pickup_name(payload: Mapping[str, Any]) -> str | None:
    """`status`, `delivery`, ... for a pickup 2.0 message; None for anything else."""
    family = unqualified(payload.get("@type"))
    if family.startswith("messagepickup/2.0/"):
        return family.removeprefix("messagepickup/2.0/")
    return None


def is_problem_report(payload: Mapping[str, Any]) -> bool:
    return unqualified(payload.get("@type")).endswith("/problem-report")


def thread_of(payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The message's thread id (`~thread.thid`, else its own `@id`) and parent thread id."""
    thread = payload.get("~thread")
    thread = thread if isinstance(thread, Mapping) else {}
    thid = thread.get("thid") or payload.get("@id")
    pthid = thread.get("pthid")
    return (str(thid) if thid else None, str(pthid) if pthid else None)


def parse_status(payload: Mapping[str, Any]) -> Status:
    count = payload.get("message_count", 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise PickupMessageError(f"status has no valid message_count: {count!r}")
    live = payload.get("live_delivery")
    thid, _ = thread_of(payload)
    if "~thread" not in payload:
        thid = None
    return Status(count, live if isinstance(live, bool) else None, thid)


def parse_problem_report(payload: Mapping[str, Any]) -> ProblemReport:
    thid, pthid = thread_of(payload)
    if "~thread" not in payload:
        thid = None
    description = payload.get("description")
    code = description.get("code") if isinstance(description, Mapping) else None
    comment = payload.get("comment")
    if comment is None and isinstance(description, Mapping):
        comment = description.get("en")
    return ProblemReport(thid, pthid, str(code) if code else None, comment and str(comment))


def parse_delivery(payload: Mapping[str, Any]) -> Delivery:
    """The attachments of a `delivery`; those that cannot be decoded are listed by id."""
    raw = payload.get("~attach")
    if not isinstance(raw, list):
        raise PickupMessageError("delivery has no ~attach list")
    good: list[Attachment] = []
    bad: list[str] = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("@id"), str):
            raise PickupMessageError("delivery attachment without an @id")
        try:
            good.append(Attachment(item["@id"], decode_attachment(item)))
        except PickupMessageError:
            bad.append(item["@id"])
    thid, _ = thread_of(payload)
    return Delivery(tuple(good), tuple(bad), thid if "~thread" in payload else None)


def decode_attachment(attachment: Mapping[str, Any]) -> bytes:
    """The packed message inside an attachment: Credo puts it in `data.json`, others `base64`."""
    data = attachment.get("data")
    if not isinstance(data, Mapping):
        raise PickupMessageError("attachment has no data")
    if "json" in data:
        value = data["json"]
        if isinstance(value, str):
            return value.encode()
        if isinstance(value, Mapping):
            return json.dumps(value, separators=(",", ":")).encode()
        raise PickupMessageError("attachment data.json is neither an object nor a string")
    if "base64" in data and isinstance(data["base64"], str):
        return _b64decode(data["base64"])
    raise PickupMessageError("attachment has neither data.json nor data.base64")


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not (both are seen in attachments)."""
    cleaned = "".join(text.split()).replace("+", "-").replace("/", "_").rstrip("=")
    try:
        padded = cleaned + "=" * (-len(cleaned) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise PickupMessageError(f"attachment data.base64 is not base64: {error}") from None


def add_return_route(message_json: str | bytes) -> str | bytes:
    """The same DIDComm v1 plaintext message, asking for replies on this socket.

    Anything that is not a v1 message object, or already names a transport decorator,
    is left exactly as it was.
    """
    try:
        message = json.loads(message_json)
    except ValueError:
        return message_json
    if not isinstance(message, dict) or "@type" not in message or "~transport" in message:
        return message_json
    message["~transport"] = dict(RETURN_ROUTE_ALL)
    return json.dumps(message)
