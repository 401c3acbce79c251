"""A prompt for a request record, built with what the wallet knows besides ACA-Py: its
index's count of W3C credentials, its own DIF pre-filter and the credentials it knows are
revoked. Used when a request arrives and when a waiting prompt is rebuilt."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from agent.admin_models import PresentationExchangeRecord
from protocols.consent.request import DifRequest
from protocols.peers import connection_cache
from protocols.presentation.candidates import Narrowing
from protocols.presentation.narrowing import narrowed_dif
from protocols.presentation.pending import PendingRequest
from protocols.presentation.prompting import read_request
from protocols.presentation.stored_titles import with_stored_titles

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices


async def prompt_for(
    services: WalletServices,
    record: PresentationExchangeRecord,
    revoked: asyncio.Future[set[str]] | None = None,
) -> PendingRequest:
    """The pending request for a `request-received` record (see `read_request`)."""
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
        )
    finally:
        revoked.cancel()  # unread when the request was refused at once; no-op when done
    credentials = services.credentials
    if pending.prompt is None or credentials is None:
        return pending

    async def title_of(stored_id: str) -> str | None:
        stored = await credentials.index.get(stored_id)
        return stored.title if stored else None

    prompt = await with_stored_titles(pending.prompt, title_of)
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


async def _revoked(services: WalletServices) -> set[str]:
    """ACA-Py ids of credentials the wallet knows are revoked (none without an index)."""
    if services.credentials is None:
        return set()
    return await services.credentials.index.revoked_acapy_ids()
