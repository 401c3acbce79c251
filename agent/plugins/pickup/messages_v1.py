"""Message Pickup 1.0 (RFC 0212) batch pickup as plain dicts: the fallback for a mediator
that answers pickup 2.0 with a problem report but speaks 1.0 (Credo's MessagePickup module
can be set up so).

1.0 has no acknowledgement: the mediator deletes what it puts in a `batch` the moment it
sends it (Credo: `takeFromQueue(deleteMessages: true)`), so a crash between the `batch` and
ACA-Py's handling loses those messages at the mediator. The client keeps that window as
small as 1.0 allows (small batches, the next one asked for only after the last was
handled); a message a sender delivers again is recognised by the duplicate guard of
`handled_inbound`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .messages import (
    RETURN_ROUTE_ALL,
    Attachment,
    Delivery,
    PickupMessageError,
    new_id,
    thread_of,
    unqualified,
)

PICKUP_1 = "https://didcomm.org/messagepickup/1.0/"


def batch_pickup(batch_size: int) -> dict[str, Any]:
    """Ask for up to `batch_size` queued messages, answered on this socket."""
    return {
        "@type": PICKUP_1 + "batch-pickup",
        "@id": new_id(),
        "batch_size": batch_size,
        "~transport": dict(RETURN_ROUTE_ALL),
    }


def pickup1_name(payload: Mapping[str, Any]) -> str | None:
    """`batch`, `batch-pickup`, ... for a pickup 1.0 message; None for anything else."""
    family = unqualified(payload.get("@type"))
    if family.startswith("messagepickup/1.0/"):
        return family.removeprefix("messagepickup/1.0/")
    return None


def parse_batch(payload: Mapping[str, Any]) -> Delivery:
    """The messages of a `batch` (`messages~attach`: `{"@id", "message"}` each, the packed
    message as an object or as a JSON string); unreadable ones by id."""
    raw = payload.get("messages~attach")
    if not isinstance(raw, list):
        raise PickupMessageError("batch has no messages~attach list")
    good: list[Attachment] = []
    bad: list[str] = []
    for item in raw:
        message_id = _message_id(item)
        message = item.get("message")
        if isinstance(message, Mapping):
            packed = json.dumps(message, separators=(",", ":")).encode()
            good.append(Attachment(message_id, packed))
        elif isinstance(message, str) and message:
            good.append(Attachment(message_id, message.encode()))
        else:
            bad.append(message_id)
    thid, _ = thread_of(payload)
    return Delivery(tuple(good), tuple(bad), thid if "~thread" in payload else None)


def _message_id(item: object) -> str:
    """RFC 0212 names it `@id`; Credo 0.5.19 sends `id`."""
    if isinstance(item, Mapping):
        for key in ("@id", "id"):
            value = item.get(key)
            if isinstance(value, str) and value:
                return value
    raise PickupMessageError("batch message without an @id")
