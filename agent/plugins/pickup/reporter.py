"""Keeps the delivery state and tells the controller when it changes (the `pickup` webhook).

A change of state, mode, live delivery, mediator or error is sent at once; the time of the
last message at most every `MESSAGE_NOTICE_SECONDS`, so a busy socket is not a webhook storm.

ACA-Py turns an event `acapy::webhook::<topic>` into a webhook to `<webhook-url>/topic/<topic>/`
(its admin server subscribes to that pattern), so no webhook code of our own is needed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from acapy_agent.core.profile import Profile

from .state import WEBHOOK_TOPIC, PickupState, next_connection_state

LOGGER = logging.getLogger(__name__)
EVENT_TOPIC = "acapy::webhook::" + WEBHOOK_TOPIC
# A new message alone is worth a webhook at most this often (the admin route is exact).
MESSAGE_NOTICE_SECONDS = 30.0


class StateReporter:
    """The current `PickupState`; significant changes become a webhook."""

    def __init__(self, profile: Profile, clock: Callable[[], float] = time.monotonic) -> None:
        self.profile = profile
        self.state = PickupState(since=datetime.now(UTC))
        self._clock = clock
        self._notified_at = -MESSAGE_NOTICE_SECONDS

    async def update(self, **changes: Any) -> None:
        """Keep the change; tell the controller at once if significant, else now and then."""
        if "state" in changes and changes["state"] != self.state.state:
            changes.setdefault("since", datetime.now(UTC))
        old = self.state
        new, significant = old.changed(**changes)
        self.state = new
        if significant:
            LOGGER.info(
                "pickup: %s (mode %s) via %s", new.state, new.mode, new.mediator_label or "?"
            )
        elif new.last_message_at == old.last_message_at or not self._notice_due():
            return
        self._notified_at = self._clock()
        await self.profile.notify(EVENT_TOPIC, new.payload())

    def _notice_due(self) -> bool:
        return self._clock() - self._notified_at >= MESSAGE_NOTICE_SECONDS

    async def socket(self, up: bool, error: str | None = None, **changes: Any) -> None:
        state = next_connection_state(self.state.state, up=up)
        await self.update(state=state, error=None if up else error, **changes)

    async def message_arrived(self) -> None:
        await self.update(
            last_message_at=datetime.now(UTC), messages_received=self.state.messages_received + 1
        )
