"""The present-proof flow: keep the request book in step with ACA-Py, and watch deadlines.

Events are hints (webhooks or start-up reconciliation): the flow re-reads the record where
it needs more than the hint says. Two hints are complete enough on their own, which spares
the holder's ACA-Py a round trip while it is still busy with the protocol: ACA-Py's webhook
naming a terminal state (`done`, `abandoned`: the state, verdict and error are in it), and
`presentation-sent` for an exchange this wallet itself just answered (the book already has
it). A request that arrives becomes a prompt and a `request_received` event; an approved
exchange that reaches no end within `exchange_timeout` is shown as failed with the state
it stopped in.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.admin_client import AdminApiError
from agent.admin_models import PresentationExchangeRecord
from agent.events import AgentEvent
from protocols.consent import VerifierInfo
from protocols.presentation.deadlines import TERMINAL_STATES, Deadlines
from protocols.presentation.pending import PendingRequest, RequestStatus
from protocols.presentation.prompt_inputs import PromptInputs
from protocols.presentation.reading import prompt_for, read_prompt_inputs, read_revoked
from protocols.presentation.waiting import STORED_TOPIC, rebuild_waiting
from wallet.credentials.release import release_memory
from wallet.history import History, Outcome

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)
TOPIC = "present_proof_v2_0"
ANSWERED_TOPIC = "request_answered"
# Once no request is open, freed prompts are handed back to the system after this pause.
RELEASE_AFTER_SECONDS = 0.5
_release: tuple[asyncio.AbstractEventLoop, asyncio.TimerHandle] | None = None


async def presentation_flow(services: WalletServices) -> None:
    """Run until cancelled; one failing record never stops the flow."""
    watcher = Deadlines(services)
    rebuilding: set[asyncio.Task[list[str]]] = set()
    try:
        async with services.bus.subscribe() as queue:
            while True:
                event = await queue.get()
                if event.topic == STORED_TOPIC and services.requests.lacking():
                    _beside(rebuilding, rebuild_waiting(services, event))
                exchange_id = _exchange_id(event)
                if exchange_id is None:
                    continue
                try:
                    if not await on_sure_hint(services, exchange_id, watcher, event):
                        arriving = event.payload.get("state") == "request-received"
                        await on_hint(services, exchange_id, watcher, arriving=arriving)
                except AdminApiError as error:
                    LOGGER.warning("proof request %s: %s", exchange_id, error)
                except Exception as error:  # keep the flow alive; log no values
                    LOGGER.error(
                        "proof request %s could not be handled: %s at %s",
                        exchange_id,
                        type(error).__name__,
                        _where(error),
                    )
    finally:
        watcher.cancel_all()
        for task in rebuilding:
            task.cancel()


def _beside(tasks: set[asyncio.Task[list[str]]], work: Coroutine[Any, Any, list[str]]) -> None:
    """Run a rebuild beside the flow (it reads ACA-Py), keeping a reference until done."""
    task = asyncio.create_task(work, name="rebuild waiting prompts")
    tasks.add(task)
    task.add_done_callback(_done(tasks))


def _done(tasks: set[asyncio.Task[list[str]]]) -> Callable[[asyncio.Task[list[str]]], None]:
    def forget(task: asyncio.Task[list[str]]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            LOGGER.error("waiting prompts not rebuilt: %s", type(error).__name__)

    return forget


async def on_sure_hint(
    services: WalletServices, exchange_id: str, watcher: Deadlines, event: AgentEvent
) -> bool:
    """Act on an event without reading ACA-Py where the event says all that is needed.

    False means the record must be read (`on_hint`).
    """
    state = event.payload.get("state")
    book = services.requests
    if event.topic == ANSWERED_TOPIC or (event.source == "webhook" and event.topic == TOPIC):
        if event.payload.get("role", "prover") != "prover":
            return event.topic == TOPIC  # a verifier's record: nothing for the holder
    else:
        return False
    if state == "presentation-sent":
        known = book.get(exchange_id)
        if known is None or known.status not in (RequestStatus.SENDING, RequestStatus.SENT):
            return False  # approved before a restart, or not by this wallet: read it
        watcher.watch(exchange_id, _approved_at(known, None))
        return True
    if event.topic == TOPIC and state in TERMINAL_STATES and state != "deleted":
        record = PresentationExchangeRecord.model_validate({**event.payload, "role": "prover"})
        async with book.lock(exchange_id):
            watcher.cancel(exchange_id)
            await _finished(services, record, book.get(exchange_id))
        return True
    return False


async def on_hint(
    services: WalletServices, exchange_id: str, watcher: Deadlines, *, arriving: bool = False
) -> None:
    """Re-read one exchange and bring the book (and history) up to date.

    `arriving`: the webhook said a request arrived, so the index's revoked ids, which a new
    prompt needs, are read beside ACA-Py's record instead of after it (a local read: nothing
    is asked of ACA-Py before the request is checked).
    """
    book = services.requests
    fresh = arriving and not book.knows(exchange_id)
    revoked = read_revoked(services) if fresh else None
    try:
        # A new request: its record, checks and candidates in one call where ACA-Py can.
        inputs = await read_prompt_inputs(services, exchange_id) if fresh else None
        record = inputs.record if inputs is not None else await _record(services, exchange_id)
        if record is None:
            book.remove(exchange_id)
            watcher.cancel(exchange_id)
            return
        if record.role not in (None, "prover"):
            return
        async with book.lock(exchange_id):
            await _bring_up_to_date(services, record, watcher, revoked, inputs)
    finally:
        if revoked is not None:
            revoked.cancel()  # unread when the request was refused at once; no-op when done


async def _record(services: WalletServices, exchange_id: str) -> PresentationExchangeRecord | None:
    """The exchange's record, None when ACA-Py has none."""
    try:
        return await services.client.presentation_exchange(exchange_id)
    except AdminApiError as error:
        if error.status == 404:
            return None
        raise


async def _bring_up_to_date(
    services: WalletServices,
    record: PresentationExchangeRecord,
    watcher: Deadlines,
    revoked: asyncio.Future[set[str]] | None,
    inputs: PromptInputs | None = None,
) -> None:
    book, exchange_id = services.requests, record.pres_ex_id
    state = record.state or ""
    if state == "request-received":
        if not book.knows(exchange_id):
            await _new_request(services, record, revoked or read_revoked(services), inputs)
        return
    known = book.get(exchange_id)
    if state == "presentation-sent":
        if known is None:
            known = book.put(await _in_flight(services, record))
        watcher.watch(exchange_id, _approved_at(known, record))
    elif state in TERMINAL_STATES:
        watcher.cancel(exchange_id)
        await _finished(services, record, known)


async def _new_request(
    services: WalletServices,
    record: PresentationExchangeRecord,
    revoked: asyncio.Future[set[str]],
    inputs: PromptInputs | None,
) -> None:
    pending = services.requests.put(await prompt_for(services, record, revoked, inputs))
    payload = {
        "exchange_id": pending.exchange_id,
        "connection_id": pending.connection_id,
        "state": pending.state,
        "answerable": pending.answerable,
    }
    services.bus.publish(AgentEvent(topic="request_received", payload=payload, source="wallet"))


async def _finished(
    services: WalletServices, record: PresentationExchangeRecord, known: PendingRequest | None
) -> None:
    """Done or abandoned: record the verifier's verdict, or why it failed."""
    exchange_id = record.pres_ex_id
    LOGGER.info(
        "proof request %s ended %s (verified: %s)", exchange_id, record.state, record.verified
    )
    history = History(services.store) if services.store else None
    entry = await history.for_exchange(exchange_id) if history else None
    if record.state == "done":
        verdicts: dict[str, Outcome] = {"true": "verified", "false": "not_verified"}
        outcome: Outcome = verdicts.get(record.verified or "", "acknowledged")
        detail, topic = None, "request_done"
        services.requests.remove(exchange_id)
    elif entry is not None and entry.outcome == "declined":
        services.requests.remove(exchange_id)  # the learner's own decline, already announced
        _release_when_quiet(services)
        return
    elif known is None or known.status is RequestStatus.WAITING:
        services.requests.remove(exchange_id)  # withdrawn before the learner answered
        outcome, detail, topic = "failed", None, "request_withdrawn"
    else:
        outcome, topic = "failed", "request_failed"
        detail = record.error_msg or f"the exchange ended {record.state}"
        services.requests.update(
            exchange_id, status=RequestStatus.FAILED, state=record.state, detail=detail
        )
    if history is not None and entry is not None and entry.outcome != outcome:
        await history.set_outcome(exchange_id, outcome, detail)
    payload = {"exchange_id": exchange_id, "state": record.state, "verified": record.verified}
    services.bus.publish(AgentEvent(topic=topic, payload=payload, source="wallet"))
    _release_when_quiet(services)


def _release_when_quiet(services: WalletServices) -> None:
    """Prompts can hold megabytes (hundreds of candidates each); once the last open request
    is gone, give the freed memory back, off the path of any answer."""
    global _release
    loop = asyncio.get_running_loop()
    if len(services.requests) == 0 and (_release is None or _release[0] is not loop):
        _release = (loop, loop.call_later(RELEASE_AFTER_SECONDS, _release_now, services))


def _release_now(services: WalletServices) -> None:
    """Release unless a request arrived during the pause: its prompt is being built or
    shown, and its own end schedules the next release."""
    global _release
    _release = None
    if len(services.requests) == 0:
        release_memory()


async def _in_flight(
    services: WalletServices, record: PresentationExchangeRecord
) -> PendingRequest:
    """An exchange approved before a restart: what history says about it."""
    entry = (
        await History(services.store).for_exchange(record.pres_ex_id) if services.store else None
    )
    verifier = VerifierInfo(label="a verifier")
    if entry is not None:
        verifier = VerifierInfo(
            label=entry.verifier.label, did=entry.verifier.did, trusted=entry.verifier.trusted
        )
    return PendingRequest(
        exchange_id=record.pres_ex_id,
        connection_id=record.connection_id,
        thread_id=record.thread_id,
        state=record.state or "presentation-sent",
        status=RequestStatus.SENT,
        verifier=verifier,
        request_name=entry.request_name if entry else "Proof request",
        approved_at=entry.at if entry else None,
    )


def _approved_at(
    known: PendingRequest | None, record: PresentationExchangeRecord | None
) -> datetime:
    if known is not None and known.approved_at is not None:
        return known.approved_at
    updated = _parse_time(record.updated_at) if record is not None else None
    return updated or datetime.now(UTC)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _where(error: BaseException) -> str:
    """file:line where an error was raised; its message may quote a request's values."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"


def _exchange_id(event: AgentEvent) -> str | None:
    if event.topic == TOPIC:
        value = event.payload.get("pres_ex_id")
    elif event.topic == ANSWERED_TOPIC and event.source == "wallet":
        value = event.payload.get("exchange_id")
    else:
        return None
    return value if isinstance(value, str) and value else None
