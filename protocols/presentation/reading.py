"""A prompt for a request record, built with what the wallet knows besides ACA-Py: its
index's count of W3C credentials, its own DIF pre-filter and the credentials it knows are
revoked. Used when a request arrives and when a waiting prompt is rebuilt."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from agent.admin_models import PresentationExchangeRecord
from protocols.consent.request import DifRequest, ProofRequest
from protocols.peers import connection_cache
from protocols.presentation.anoncreds_index import indexed_anoncreds
from protocols.presentation.candidates import IndexedAnonCreds, Narrowing, Part
from protocols.presentation.narrowing import narrowed_dif
from protocols.presentation.pending import PendingRequest
from protocols.presentation.prompt_inputs import PromptInputs, PromptInputsReader
from protocols.presentation.prompting import read_request
from protocols.presentation.stored_titles import with_stored_titles

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices


async def read_prompt_inputs(services: WalletServices, exchange_id: str) -> PromptInputs | None:
    """A new request's record, checks and candidates in one call (the prompt-inputs plugin),
    leaving to the index what it answers better; None when ACA-Py lacks the route."""
    if services.prompt_inputs is None:
        services.prompt_inputs = PromptInputsReader(services.client)
    w3c_held = await _w3c_held(services) or 0
    return await services.prompt_inputs.read(
        exchange_id, w3c_held=w3c_held, index=_index_parts(services)
    )


def _index_parts(services: WalletServices) -> list[Part]:
    """The parts the index may answer (its own checks say when it can: narrowing.py for
    DIF, anoncreds_index.py for AnonCreds); none without an index."""
    return [] if services.credentials is None else ["anoncreds", "dif"]


async def prompt_for(
    services: WalletServices,
    record: PresentationExchangeRecord,
    revoked: asyncio.Future[set[str]] | None = None,
    inputs: PromptInputs | None = None,
) -> PendingRequest:
    """The pending request for a `request-received` record (see `read_request`);
    `inputs`: what the prompt-inputs plugin already read and checked for it."""
    revoked = revoked or read_revoked(services)
    try:
        pending = await read_request(
            services.client,
            record,
            services.trust,
            connections=connection_cache(services),
            count_w3c=lambda: _w3c_held(services),
            revoked=revoked,
            narrow=_narrowing(services),
            from_index=_anoncreds_from_index(services),
            inputs=inputs,
        )
    finally:
        revoked.cancel()  # unread when the request was refused at once; no-op when done
    credentials = services.credentials
    if pending.prompt is None or credentials is None:
        return pending

    prompt = await with_stored_titles(pending.prompt, credentials.index.title)
    return pending.model_copy(update={"prompt": prompt})


def read_revoked(services: WalletServices) -> asyncio.Future[set[str]]:
    """The revoked ids, being read (cached by the index until its next write)."""
    return asyncio.ensure_future(_revoked(services))


async def _w3c_held(services: WalletServices) -> int | None:
    """At least as many as the W3C credentials held: every credential the index holds, from
    its order in memory (a count of one format reads every row, 80 ms at 10,000, and a
    larger limit costs ACA-Py nothing when fewer match)."""
    if services.credentials is None:
        return None
    return await services.credentials.index.held()


def _narrowing(services: WalletServices) -> Narrowing | None:
    """The index's DIF pre-filter, when the wallet has an index."""
    credentials = services.credentials
    if credentials is None:
        return None

    async def narrow(request: DifRequest) -> list[dict[str, Any]] | None:
        return await narrowed_dif(services.client, credentials.index, credentials.in_step, request)

    return narrow


def _anoncreds_from_index(services: WalletServices) -> IndexedAnonCreds | None:
    """The index's AnonCreds candidates, when the wallet has an index."""
    credentials = services.credentials
    if credentials is None:
        return None

    async def from_index(request: ProofRequest) -> list[dict[str, Any]] | None:
        return await indexed_anoncreds(credentials.index, credentials.in_step, request)

    return from_index


async def _revoked(services: WalletServices) -> set[str]:
    """ACA-Py ids of credentials the wallet knows are revoked (none without an index)."""
    if services.credentials is None:
        return set()
    return await services.credentials.index.revoked_acapy_ids()
