"""The offers flow: turns exchange hints into offer views and fails what waits too long.

Webhooks and reconciliation only name the exchange; the inbox re-reads the record. A
deadline watcher runs beside it, because ACA-Py itself waits for an issuer forever.
"""

from __future__ import annotations

import asyncio
import logging

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from protocols.issuance.binding import issuer_binds
from protocols.issuance.deadline import next_check_in
from protocols.issuance.errors import OfferError
from protocols.issuance.inbox import OfferInbox
from protocols.issuance.notes import OfferNotes
from protocols.peers import connection_cache
from protocols.wallet_services import WalletServices
from wallet.credentials.index import CredentialIndex

LOGGER = logging.getLogger(__name__)
TOPICS = frozenset(
    {"issue_credential_v2_0", "issue_credential_v2_0_ld_proof", "issue_credential_v2_0_anoncreds"}
)


def offer_inbox(services: WalletServices) -> OfferInbox:
    """The running wallet's one inbox, made on first use."""
    if services.offers is None:
        if services.store is None:
            raise RuntimeError("the offer inbox needs the controller store")
        services.offers = OfferInbox(
            services.client,
            services.settings,
            OfferNotes(services.store),
            services.bus,
            connection_cache(services),
            issuer_binds(services.trust, lambda: held_index(services)),
        )
    return services.offers


def held_index(services: WalletServices) -> CredentialIndex | None:
    return services.credentials.index if services.credentials else None


async def offers_flow(services: WalletServices) -> None:
    """Run until cancelled; subscribes before its first await so reconcile is not missed."""
    inbox = offer_inbox(services)
    async with services.bus.subscribe() as queue:
        watcher = asyncio.create_task(watch_deadlines(inbox), name="offer deadlines")
        try:
            while True:
                event = await queue.get()
                cred_ex_id = exchange_id(event)
                if cred_ex_id is None:
                    continue
                try:
                    await inbox.on_exchange_event(cred_ex_id, event)
                except (AdminApiError, OfferError) as error:
                    LOGGER.warning("offer %s not updated: %s", cred_ex_id, error)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)


async def watch_deadlines(inbox: OfferInbox) -> None:
    """Look for overdue exchanges every few seconds (more often with short timeouts).

    Only while some accepted exchange is still awaited: an idle wallet asks ACA-Py nothing.
    """
    while True:
        await inbox.wait_awaiting()
        await asyncio.sleep(next_check_in(inbox.exchange_timeout))
        if not inbox.awaiting:
            continue  # all answered meanwhile (the usual case): nothing to ask ACA-Py
        try:
            await inbox.mark_overdue()
        except (AdminApiError, OfferError) as error:
            LOGGER.info("deadline check skipped: %s", error)


def exchange_id(event: AgentEvent) -> str | None:
    """The exchange an issue-credential hint is about (our own events are ignored)."""
    if event.topic not in TOPICS or event.source == "wallet":
        return None
    value = event.payload.get("cred_ex_id")
    return value if isinstance(value, str) and value else None
