"""Connection records kept between admin calls, so each webhook does not re-read its peer.

Offers, stored credentials and proof requests all show who the peer is (its label and
DID). An active connection's label and DIDs do not change, so the record is kept once it
is active and forgotten whenever a `connections` event names it (a state change, a
deletion) — `watch` does that from the event bus. Records not yet active are never kept.

The learner may give a connection a name of their own (kept by the wallet, see
`protocols/connections/names.py`); `label` answers with it, so every screen that names the
peer through the cache shows the learner's name.
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
        self._names: dict[str, str] = {}

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
        """The learner's name for the peer, else its own label; None when there is no
        connection or it cannot be read."""
        if not connection_id:
            return None
        if connection_id in self._names:
            return self._names[connection_id]
        try:
            return (await self.get(connection_id)).their_label
        except AdminApiError:
            return None

    def display_label(self, record: ConnectionRecord) -> str | None:
        """The label to show for a record already read: the learner's name wins."""
        return self._names.get(record.connection_id) or record.their_label

    def name_of(self, connection_id: str) -> str | None:
        return self._names.get(connection_id)

    def set_names(self, names: dict[str, str]) -> None:
        """Take the learner's names as stored (at start-up)."""
        self._names = dict(names)

    def set_name(self, connection_id: str, name: str | None) -> None:
        """One rename (or, with None, back to the peer's own label)."""
        if name:
            self._names[connection_id] = name
        else:
            self._names.pop(connection_id, None)

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
