"""The learner's answer to a proof request: approve (send exactly what was chosen) or decline.

A presentation is never sent without an approval recorded for it: the history entry is
written first, and if that fails nothing is sent. A request withdrawn or answered meanwhile
is not answered twice: ACA-Py's `send-presentation` itself refuses a record that is gone
(404) or no longer at `request-received` (400, naming its state), and the entry written
ahead then says it was not sent. (A re-read of the record before sending would check the
same thing with one more round trip on the learner's wait.)
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from protocols.consent import (
    ConsentDecision,
    DecisionError,
    default_decision,
    presentation_body,
)
from protocols.presentation.credential_fields import field_names
from protocols.presentation.history_entries import approval_entry, decline_entry
from protocols.presentation.history_fields import shown_by_credential
from protocols.presentation.pending import PendingRequest, RequestStatus
from protocols.presentation.signer import sign_with_fresh_did
from protocols.presentation.status_recheck import CredentialWithdrawn, refuse_withdrawn
from wallet.history import History, HistoryEntry, HistoryError

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)
OPEN_STATE = "request-received"
DEFAULT_DECLINE = "The learner declined this request."
# ACA-Py 1.7's send-presentation refusal for a record past request-received (routes.py).
NOT_OPEN = re.compile(r"in (?P<state>[\w-]+) state \(must be request-received\)")
ErrorKind = Literal["not_found", "conflict", "invalid", "unavailable", "failed"]


class AnswerError(Exception):
    """Why an answer was not sent; `kind` tells the API which status and words to use."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


async def approve(
    services: WalletServices, exchange_id: str, decision: ConsentDecision | None
) -> PendingRequest:
    """Record the approval, then send the presentation the decision describes."""
    book = services.requests
    async with book.lock(exchange_id):
        request = _waiting_request(services, exchange_id)
        if request.refused or request.prompt is None:
            raise AnswerError(
                "invalid",
                f"This request cannot be answered: {request.refused}",
            )
        prompt = request.prompt
        try:
            chosen = decision if decision is not None else default_decision(prompt)
            body = presentation_body(prompt, chosen)
            # What stays hidden is the rest of each credential: its names, read for history.
            fields = await field_names(services.client, shown_by_credential(prompt, chosen))
            entry = approval_entry(prompt, chosen, fields)
        except DecisionError as error:
            raise AnswerError("invalid", str(error)) from None
        try:
            await refuse_withdrawn(services, prompt, chosen)
        except CredentialWithdrawn as error:
            raise AnswerError("invalid", str(error)) from None
        try:
            await sign_with_fresh_did(services.client, prompt, chosen, body)
        except AdminApiError as error:  # nothing was sent or recorded: the learner may retry
            raise AnswerError(
                "unavailable", f"The wallet could not make a key to sign with: {error}"
            ) from None
        book.update(exchange_id, status=RequestStatus.SENDING)
        try:
            await _write_ahead(services, entry)
        except AnswerError:
            book.update(exchange_id, status=RequestStatus.WAITING)
            raise
        try:
            record = await services.client.send_presentation(exchange_id, body)
        except AdminApiError as error:
            raise await _not_sent(services, exchange_id, error) from None
        answered = book.update(
            exchange_id,
            status=RequestStatus.SENT,
            state=record.state or "presentation-sent",
            approved_at=datetime.now(UTC),
        )
    _publish(services, "request_answered", exchange_id, record.state)
    assert answered is not None
    return answered


async def decline(services: WalletServices, exchange_id: str, reason: str | None) -> None:
    """Record the decline, then tell the verifier with a problem report."""
    reason = (reason or "").strip() or DEFAULT_DECLINE
    book = services.requests
    async with book.lock(exchange_id):
        request = await _open_request(services, exchange_id)
        try:
            await _history(services).add(decline_entry(request, reason))
        except HistoryError as error:
            raise AnswerError("unavailable", f"{error}; the verifier was not told") from None
        try:
            await services.client.send_presentation_problem_report(exchange_id, reason)
        except AdminApiError as error:
            detail = f"declined, but the verifier could not be told: {error}"
            await _history(services).set_outcome(exchange_id, "declined", detail)
            raise AnswerError("failed", detail) from None
        book.remove(exchange_id)
    _publish(services, "request_declined", exchange_id, "abandoned")


async def _open_request(services: WalletServices, exchange_id: str) -> PendingRequest:
    """The pending request, still waiting for the learner here and at ACA-Py."""
    request = _waiting_request(services, exchange_id)
    await _still_open_at_acapy(services, exchange_id)
    return request


def _waiting_request(services: WalletServices, exchange_id: str) -> PendingRequest:
    """The pending request, if the learner has not answered it yet."""
    request = services.requests.get(exchange_id)
    if request is None:
        raise AnswerError("not_found", f"There is no proof request {exchange_id}.")
    if request.status is not RequestStatus.WAITING:
        raise AnswerError("conflict", f"This request was already answered ({request.status}).")
    return request


async def _still_open_at_acapy(services: WalletServices, exchange_id: str) -> None:
    """Re-read ACA-Py's record: a request withdrawn or answered meanwhile is not answered."""
    try:
        record = await services.client.presentation_exchange(exchange_id)
    except AdminApiError as error:
        if error.status == 404:
            services.requests.remove(exchange_id)
            raise AnswerError("not_found", "The verifier's request no longer exists.") from None
        raise AnswerError("unavailable", str(error)) from None
    if record.state != OPEN_STATE:
        services.requests.update(exchange_id, state=record.state)
        raise AnswerError(
            "conflict", f"This request can no longer be answered (it is {record.state})."
        )


async def _not_sent(
    services: WalletServices, exchange_id: str, error: AdminApiError
) -> AnswerError:
    """Record why ACA-Py did not send, and say it to the learner in the matching kind."""
    history, book = _history(services), services.requests
    not_open = NOT_OPEN.search(str(error)) if error.status == 400 else None
    if error.status is None:  # no answer: it may or may not have gone; a retry finds out
        book.update(exchange_id, status=RequestStatus.WAITING)
        answer = AnswerError(
            "unavailable",
            f"The wallet's agent did not answer, so the presentation may not have been sent: "
            f"{error}",
        )
        await history.set_outcome(exchange_id, "failed", f"not confirmed: {error}")
        return answer
    if error.status == 404:
        book.remove(exchange_id)
        answer = AnswerError("not_found", "The verifier's request no longer exists.")
        await history.set_outcome(exchange_id, "failed", f"not sent: {answer}")
        return answer
    if not_open is not None:
        state = not_open["state"]
        book.update(exchange_id, status=RequestStatus.WAITING, state=state)
        answer = AnswerError("conflict", f"This request can no longer be answered (it is {state}).")
        await history.set_outcome(exchange_id, "failed", f"not sent: {answer}")
        return answer
    detail = f"the wallet's agent could not make or send the presentation: {error}"
    await history.set_outcome(exchange_id, "failed", detail)
    book.update(exchange_id, status=RequestStatus.FAILED, detail=detail)
    return AnswerError("failed", detail)


async def _write_ahead(services: WalletServices, entry: HistoryEntry) -> None:
    """The approval in the history before anything is sent; failing here sends nothing."""
    try:
        await _history(services).add(entry)
    except HistoryError as error:
        raise AnswerError("unavailable", f"{error}; nothing was sent") from None


def _history(services: WalletServices) -> History:
    if services.store is None:
        raise HistoryError("the wallet's history store is not open")
    return History(services.store)


def _publish(services: WalletServices, topic: str, exchange_id: str, state: str | None) -> None:
    payload = {"exchange_id": exchange_id, "state": state}
    services.bus.publish(AgentEvent(topic=topic, payload=payload, source="wallet"))
