"""The request book keeps large prompts as JSON and gives them back whole."""

from __future__ import annotations

from protocols.consent import TrustList, build_prompt
from protocols.presentation.pending import (
    PendingRequest,
    RequestBook,
    RequestStatus,
    candidate_count,
)
from tests.unit.test_consent_fixtures import (
    ALL_REFERENTS,
    DEGREE_ATTRS,
    anoncreds_candidate,
    anoncreds_request,
    exchange_record,
)

EXCHANGE = "ex-1"


def pending(candidates: int) -> PendingRequest:
    record = {**exchange_record({"anoncreds": anoncreds_request()}), "pres_ex_id": EXCHANGE}
    entries = [
        anoncreds_candidate(
            f"cred-{n:03}", {**DEGREE_ATTRS, "score": str(70 + n % 30)}, ALL_REFERENTS
        )
        for n in range(candidates)
    ]
    prompt = build_prompt(record, entries, TrustList(), "Employer")
    return PendingRequest(
        exchange_id=EXCHANGE,
        state="request-received",
        verifier=prompt.verifier,
        request_name=prompt.purpose.name,
        prompt=prompt,
    )


def test_a_large_prompt_is_kept_as_json_and_read_back_equal() -> None:
    book, request = RequestBook(pack_at=40), pending(20)  # 3 items x 20 candidates
    assert request.prompt is not None and candidate_count(request.prompt) >= 40
    book.put(request)
    assert EXCHANGE in book._packed and book._requests[EXCHANGE].prompt is None
    assert book.knows(EXCHANGE) and not book.knows("another")
    assert book.get(EXCHANGE) == request
    assert book.all() == [request]


def test_an_update_keeps_the_packed_prompt() -> None:
    book, request = RequestBook(pack_at=40), pending(20)
    book.put(request)
    updated = book.update(EXCHANGE, status=RequestStatus.SENDING)
    assert updated is not None and updated.prompt == request.prompt
    assert updated.status is RequestStatus.SENDING and updated.answerable
    assert book.get(EXCHANGE) == updated
    book.remove(EXCHANGE)
    assert book.get(EXCHANGE) is None and not book._packed and len(book) == 0


def test_a_small_prompt_stays_a_model() -> None:
    book, request = RequestBook(pack_at=40), pending(2)
    book.put(request)
    assert EXCHANGE not in book._packed and book.get(EXCHANGE) is request
