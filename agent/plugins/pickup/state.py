"""What the learner is told about delivery: connected or not, how, through whom, since when.

The plugin sends it to the controller as the `pickup` webhook when it changes (a hint) and
serves it at `GET /learner-wallet/pickup` (the truth), like every other record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Literal

ConnectionState = Literal["connecting", "connected", "offline"]
WEBHOOK_TOPIC = "pickup"
# Changes of these fields are worth a webhook; the message clock alone is not.
SIGNIFICANT = ("state", "mode", "live", "mediator_label", "mediator_endpoint", "error")


@dataclass(frozen=True)
class PickupState:
    state: ConnectionState = "connecting"
    mode: Literal["pickup2", "pickup1", "implicit"] | None = None
    live: bool | None = None
    mediator_label: str | None = None
    mediator_endpoint: str | None = None
    mediator_connection_id: str | None = None
    last_message_at: datetime | None = None
    since: datetime | None = None
    messages_received: int = 0
    error: str | None = None

    def payload(self) -> dict[str, Any]:
        """JSON for the webhook and the admin route (times as ISO 8601 in UTC)."""
        values = asdict(self)
        for key in ("last_message_at", "since"):
            stamp = values[key]
            values[key] = stamp.isoformat() if stamp else None
        return values

    def changed(self, **changes: Any) -> tuple[PickupState, bool]:
        """The new state and whether the controller should hear about it now."""
        new = replace(self, **changes)
        significant = any(getattr(new, f) != getattr(self, f) for f in SIGNIFICANT)
        return new, significant


def next_connection_state(current: ConnectionState, *, up: bool) -> ConnectionState:
    """`connecting` until a first attempt fails, then `offline` until the socket is up again.

    Each failed retry keeps `offline`, so a learner without network gets one notice, not one
    per back-off step.
    """
    if up:
        return "connected"
    return "connecting" if current == "connected" else "offline"
