"""Proof requests the wallet knows about, in memory: rebuilt from ACA-Py at every start.

ACA-Py's record is the truth about the exchange; this book adds what only the controller
knows (the prompt shown to the learner, why a request was refused, whether the learner
answered and how it went). Each request has its own lock, so an approval and a webhook
for the same exchange never interleave.

A large prompt is kept as its JSON and read back on each `get`: 250 candidates take about
0.9 MB as models but 0.2 MB as JSON, and the many small objects of ten such prompts left
about 8 MB of the interpreter's memory pinned after the requests were gone. Reading one
back costs a few milliseconds, on the learner's clicks, not on a request's arrival.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from protocols.consent import ConsentPrompt, VerifierInfo
from protocols.consent.wording import Words

# A prompt offering this many candidates in all is kept as JSON (see the module doc).
PACK_AT = 100


def candidate_count(prompt: ConsentPrompt) -> int:
    return sum(len(item.candidates) for item in prompt.items)


def lacks_credential(request: PendingRequest) -> bool:
    """Waiting with a part no credential of the learner's can answer (yet)."""
    prompt = request.prompt
    return (
        request.status is RequestStatus.WAITING
        and not request.refused
        and prompt is not None
        and any(item.missing is not None for item in prompt.items)
    )


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
    refused_words: Words | None = None  # `refused`, as a catalogue key
    detail: str | None = None
    approved_at: datetime | None = None
    build_ms: float = 0.0
    # Titles of credentials stored while it waited that a rebuilt prompt now offers.
    arrived: list[str] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """Only a readable request without errors can be approved; any can be declined."""
        return self.prompt is not None and self.prompt.answerable and not self.refused


class RequestBook:
    """The wallet's pending and in-flight proof requests, newest first."""

    def __init__(self, pack_at: int = PACK_AT) -> None:
        self._requests: dict[str, PendingRequest] = {}
        self._packed: dict[str, bytes] = {}  # large prompts as JSON (see the module doc)
        self._locks: dict[str, asyncio.Lock] = {}
        self._lacking: set[str] = set()  # waiting for a credential (see `lacking`)
        self._pack_at = pack_at

    def lock(self, exchange_id: str) -> asyncio.Lock:
        return self._locks.setdefault(exchange_id, asyncio.Lock())

    def knows(self, exchange_id: str) -> bool:
        """Whether the request is in the book (without reading a packed prompt back)."""
        return exchange_id in self._requests

    def get(self, exchange_id: str) -> PendingRequest | None:
        request = self._requests.get(exchange_id)
        packed = self._packed.get(exchange_id)
        if request is None or packed is None:
            return request
        return request.model_copy(update={"prompt": ConsentPrompt.model_validate_json(packed)})

    def lacking(self) -> list[str]:
        """Requests waiting for a credential the learner lacks: the only prompts a newly
        stored credential can change, known without reading packed prompts back."""
        return [i for i in self._lacking if self._waiting(i)]

    def _waiting(self, exchange_id: str) -> bool:
        request = self._requests.get(exchange_id)
        return request is not None and request.status is RequestStatus.WAITING

    def put(self, request: PendingRequest) -> PendingRequest:
        exchange_id, prompt = request.exchange_id, request.prompt
        if lacks_credential(request):
            self._lacking.add(exchange_id)
        elif prompt is not None or request.refused:
            self._lacking.discard(exchange_id)
        if prompt is not None and candidate_count(prompt) >= self._pack_at:
            self._packed[exchange_id] = prompt.__pydantic_serializer__.to_json(prompt)
            self._requests[exchange_id] = request.model_copy(update={"prompt": None})
        else:
            self._packed.pop(exchange_id, None)
            self._requests[exchange_id] = request
        return request

    def update(self, exchange_id: str, **changes: object) -> PendingRequest | None:
        current = self._requests.get(exchange_id)
        if current is None:
            return None
        updated = current.model_copy(update=changes)
        if exchange_id in self._packed and "prompt" not in changes:
            self._requests[exchange_id] = updated  # its packed prompt stays as it is
            return self.get(exchange_id)
        return self.put(updated)

    def remove(self, exchange_id: str) -> None:
        self._locks.pop(exchange_id, None)
        self._lacking.discard(exchange_id)
        self._packed.pop(exchange_id, None)
        self._requests.pop(exchange_id, None)

    def all(self) -> list[PendingRequest]:
        newest_first = sorted(self._requests.values(), key=lambda r: r.received_at, reverse=True)
        return [self.get(r.exchange_id) or r for r in newest_first]

    def __len__(self) -> int:
        return len(self._requests)
