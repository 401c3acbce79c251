"""Proof requests the wallet knows about, in memory: rebuilt from ACA-Py at every start.

ACA-Py's record is the truth about the exchange; this book adds what only the controller
knows (the prompt shown to the learner, why a request was refused, whether the learner
answered and how it went). Each request has its own lock, so an approval and a webhook
for the same exchange never interleave.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from protocols.consent import ConsentPrompt, VerifierInfo


class RequestStatus(StrEnum):
    """Where a request stands from the learner's point of view."""

    WAITING = "waiting"  # needs the learner's answer
    SENDING = "sending"  # approved, the presentation is being made
    SENT = "sent"  # approved and sent; waiting for the verifier
    FAILED = "failed"  # approved but the exchange did not end well (or in time)


class PendingRequest(BaseModel):
    """One proof request: the prompt (or why it is refused) and its progress."""

    model_config = ConfigDict(frozen=True)

    exchange_id: str
    connection_id: str | None = None
    thread_id: str | None = None
    state: str
    status: RequestStatus = RequestStatus.WAITING
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    verifier: VerifierInfo
    request_name: str
    prompt: ConsentPrompt | None = None
    refused: str | None = None
    detail: str | None = None
    approved_at: datetime | None = None
    build_ms: float = 0.0

    @property
    def answerable(self) -> bool:
        """Only a readable request without errors can be approved; any can be declined."""
        return self.prompt is not None and self.prompt.answerable and not self.refused


class RequestBook:
    """The wallet's pending and in-flight proof requests, newest first."""

    def __init__(self) -> None:
        self._requests: dict[str, PendingRequest] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, exchange_id: str) -> asyncio.Lock:
        return self._locks.setdefault(exchange_id, asyncio.Lock())

    def get(self, exchange_id: str) -> PendingRequest | None:
        return self._requests.get(exchange_id)

    def put(self, request: PendingRequest) -> PendingRequest:
        self._requests[request.exchange_id] = request
        return request

    def update(self, exchange_id: str, **changes: object) -> PendingRequest | None:
        current = self._requests.get(exchange_id)
        if current is None:
            return None
        return self.put(current.model_copy(update=changes))

    def remove(self, exchange_id: str) -> PendingRequest | None:
        self._locks.pop(exchange_id, None)
        return self._requests.pop(exchange_id, None)

    def all(self) -> list[PendingRequest]:
        return sorted(self._requests.values(), key=lambda r: r.received_at, reverse=True)

    def __len__(self) -> int:
        return len(self._requests)
