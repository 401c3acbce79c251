"""Keeps the delivery state and tells the controller when it changes (the `pickup` webhook).

A change of state, mode, live delivery, mediator or error is sent at once; the time of the
last message at most every `MESSAGE_NOTICE_SECONDS`, so a busy socket is not a webhook storm,
and at the end of that interval if a newer message was held back (so it is never lost).

ACA-Py turns an event `acapy::webhook::<topic>` into a webhook to `<webhook-url>/topic/<topic>/`
(its admin server subscribes to that pattern), so no webhook code of our own is needed.
"""

from __future__ import annotations

import asyncio
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

    def __init__(
        self,
        profile: Profile,
        clock: Callable[[], float] = time.monotonic,
        notice_seconds: float = MESSAGE_NOTICE_SECONDS,
    ) -> None:
        self.profile = profile
        self.state = PickupState(since=datetime.now(UTC))
        self._clock = clock
        self._notice_seconds = notice_seconds
        self._notified_at = -notice_seconds  # of the last notice sent for a message
        self._held_back: asyncio.Task[None] | None = None

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
        elif new.last_message_at == old.last_message_at:
            return
        elif self._notice_due():
            self._notified_at = self._clock()
        else:
            self._notify_later()
            return
        await self._notify()

    def _notice_due(self) -> bool:
        return self._clock() - self._notified_at >= self._notice_seconds

    async def _notify(self) -> None:
        """Send the current state; it carries any message time a later notice would have."""
        if self._held_back is not None and self._held_back is not asyncio.current_task():
            self._held_back.cancel()
        self._held_back = None
        await self.profile.notify(EVENT_TOPIC, self.state.payload())

    def _notify_later(self) -> None:
        if self._held_back is None:
            delay = self._notice_seconds - (self._clock() - self._notified_at)
            self._held_back = asyncio.ensure_future(self._notify_after(delay))

    async def _notify_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._notified_at = self._clock()
        try:
            await self._notify()
        except Exception:  # a lost notice must not end the plugin; the next one catches up
            LOGGER.exception("pickup: could not report the last message's time")

    async def socket(self, up: bool, error: str | None = None, **changes: Any) -> None:
        state = next_connection_state(self.state.state, up=up)
        await self.update(state=state, error=None if up else error, **changes)

    async def message_arrived(self) -> None:
        await self.update(
            last_message_at=datetime.now(UTC), messages_received=self.state.messages_received + 1
        )
