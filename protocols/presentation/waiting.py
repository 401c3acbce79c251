"""A prompt waiting for a credential the learner lacked is rebuilt when one is stored.

Only requests the learner has not answered and that lack a credential for some part are
rebuilt (the book keeps that set), and only for a credential of a format such a part asks
for: an AnonCreds credential cannot answer a DIF descriptor nor a W3C one an AnonCreds
attribute. The rebuilt prompt replaces the old one when it offers something new, and a
`request_updated` event tells open pages, naming the credential that arrived.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from protocols.consent import ConsentPrompt, ItemKind
from protocols.presentation.pending import PendingRequest, RequestStatus
from protocols.presentation.reading import prompt_for

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)
STORED_TOPIC = "credential_stored"
UPDATED_TOPIC = "request_updated"
OPEN_STATE = "request-received"
ANONCREDS_KINDS = frozenset({ItemKind.ATTRIBUTE, ItemKind.ATTRIBUTE_GROUP, ItemKind.PREDICATE})


async def rebuild_waiting(services: WalletServices, event: AgentEvent) -> list[str]:
    """Rebuild the prompts a stored credential may complete; the exchange ids changed."""
    payload = event.payload
    credential_id = _text(payload.get("credential_id"))
    title = _text(payload.get("title"))
    changed = []
    for exchange_id in services.requests.lacking():
        try:
            if await rebuild(services, exchange_id, credential_id, title) is not None:
                changed.append(exchange_id)
        except AdminApiError as error:  # the next credential, or a restart, tries again
            LOGGER.warning("proof request %s not rebuilt: %s", exchange_id, error)
    return changed


async def rebuild(
    services: WalletServices, exchange_id: str, credential_id: str | None, title: str | None
) -> PendingRequest | None:
    """The request with a fresh prompt, if the learner still waits on it and it changed."""
    book = services.requests
    async with book.lock(exchange_id):
        known = book.get(exchange_id)
        if known is None or not _may_help(known, credential_id):
            return None
        record = await services.client.presentation_exchange(exchange_id)
        if record.state != OPEN_STATE:
            return None  # answered or withdrawn meanwhile: the flow's own hint handles it
        fresh = await prompt_for(services, record)
        if fresh.prompt is None or known.prompt is None:
            return None
        if not _offers_more(known.prompt, fresh.prompt):
            return None
        arrived = [*known.arrived, title] if title else known.arrived
        updated = book.put(
            fresh.model_copy(update={"received_at": known.received_at, "arrived": arrived})
        )
    LOGGER.info("proof request %s rebuilt: a credential it lacked arrived", exchange_id)
    event: dict[str, Any] = {
        "exchange_id": exchange_id,
        "answerable": updated.answerable,
        "was_answerable": known.answerable,
        "credential_id": credential_id,
        "title": title,
    }
    services.bus.publish(AgentEvent(topic=UPDATED_TOPIC, payload=event, source="wallet"))
    return updated


def _may_help(request: PendingRequest, credential_id: str | None) -> bool:
    """Still waiting, and a part lacking a credential asks for this one's format."""
    prompt = request.prompt
    if request.status is not RequestStatus.WAITING or request.refused or prompt is None:
        return False
    lacking = {item.kind for item in prompt.items if item.missing is not None}
    kind = (credential_id or "").partition(":")[0]
    if kind == "anoncreds":
        return bool(lacking & ANONCREDS_KINDS)
    if kind == "w3c":
        return ItemKind.INPUT_DESCRIPTOR in lacking
    return bool(lacking)  # an id of another form: rebuild rather than miss it


def _offers_more(before: ConsentPrompt, after: ConsentPrompt) -> bool:
    """Fewer parts lack a credential, or some part offers more credentials than before."""
    if _lacking(after) != _lacking(before):
        return True
    counts = {item.referent: len(item.candidates) for item in before.items}
    return any(len(item.candidates) > counts.get(item.referent, 0) for item in after.items)


def _lacking(prompt: ConsentPrompt) -> set[str]:
    return {item.referent for item in prompt.items if item.missing is not None}


def _text(value: object) -> str | None:
    return value.strip()[:200] or None if isinstance(value, str) else None
