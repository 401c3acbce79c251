"""Connection records kept between admin calls, so each webhook does not re-read its peer.

Offers, stored credentials and proof requests all show who the peer is (its label and
DID). An active connection's label and DIDs do not change, so the record is kept once it
is active and forgotten whenever a `connections` event names it (a state change, a
deletion) — `watch` does that from the event bus. Records not yet active are never kept.
"""

from __future__ import annotations

import logging

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import ConnectionRecord
from agent.events import AgentEvent, EventBus

LOGGER = logging.getLogger(__name__)
TOPIC = "connections"
SETTLED_STATES = frozenset({"active", "completed"})
MAX_KEPT = 10_000


class ConnectionCache:
    """ACA-Py's connection records by id, read once while they stay active."""

    def __init__(self, client: AdminClient) -> None:
        self._client = client
        self._kept: dict[str, ConnectionRecord] = {}

    async def get(self, connection_id: str) -> ConnectionRecord:
        """The record; raises AdminApiError like `AdminClient.connection` when unreadable."""
        kept = self._kept.get(connection_id)
        if kept is not None:
            return kept
        record = await self._client.connection(connection_id)
        if record.state in SETTLED_STATES:
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[connection_id] = record
        return record

    async def label(self, connection_id: str | None) -> str | None:
        """The peer's label, or None when there is no connection or it cannot be read."""
        if not connection_id:
            return None
        try:
            return (await self.get(connection_id)).their_label
        except AdminApiError:
            return None

    def forget(self, connection_id: str) -> None:
        self._kept.pop(connection_id, None)

    def on_event(self, event: AgentEvent) -> None:
        """A `connections` hint (webhook or reconcile) drops what it names."""
        if event.topic != TOPIC:
            return
        connection_id = event.payload.get("connection_id")
        if isinstance(connection_id, str):
            self.forget(connection_id)

    async def watch(self, bus: EventBus) -> None:
        """Forget records as `connections` events arrive; runs until cancelled."""
        async with bus.subscribe() as queue:
            while True:
                self.on_event(await queue.get())
