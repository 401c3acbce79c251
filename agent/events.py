"""One in-process event bus: webhooks and reconciliation publish, the UI and flows listen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

LOGGER = logging.getLogger(__name__)


class AgentEvent(BaseModel):
    """Something changed at ACA-Py or in the wallet; payloads are hints, not the truth."""

    topic: str
    payload: dict[str, Any] = Field(default_factory=dict)
    source: str = "webhook"
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class EventBus:
    """Fan-out to subscribers with bounded queues, so one slow listener cannot stall the rest."""

    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        # Insertion-ordered: the wallet's flows subscribe at start-up, before any /api/events
        # stream, so on each event they wake first (a proof request's reads start sooner).
        self._queues: dict[asyncio.Queue[AgentEvent], None] = {}

    def publish(self, event: AgentEvent) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                LOGGER.warning("event listener is %d events behind; dropping", queue.qsize())

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[AgentEvent]]:
        queue: asyncio.Queue[AgentEvent] = asyncio.Queue(self._queue_size)
        self._queues[queue] = None
        try:
            yield queue
        finally:
            self._queues.pop(queue, None)

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)
