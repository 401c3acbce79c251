"""After a crash: pick up where ACA-Py's records say each exchange stands.

At start-up, and whenever the learner's ACA-Py is ready again after it died (the supervisor
restarted it) or the mediator socket reconnects, this flow finishes credential stores that
a crash cut off. After a restart it also reads open exchanges and the stored credentials
again, as at start-up: the webhooks of the gap are lost (ACA-Py keeps their retries in
memory), e.g. the `done` of a credential stored just before the crash. Every step is
idempotent, so running one too often is harmless; skipping one would leave a credential
unstored or unlisted.
"""

from __future__ import annotations

import logging

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from agent.reconcile import reconcile
from protocols.delivery import DELIVERY_TOPIC
from protocols.issuance.errors import OfferError
from protocols.issuance.flow import offer_inbox
from protocols.wallet_services import WalletServices
from wallet.credentials.sync import stored_credentials

LOGGER = logging.getLogger(__name__)
AGENT_STATE_TOPIC = "agent_state"  # published by agent.process.AcaPyProcess


async def recovery_flow(services: WalletServices) -> None:
    """Run until cancelled: finish interrupted stores now, and again after each gap."""
    async with services.bus.subscribe() as queue:
        await _finish_stores(services, reread=False)
        while True:
            event = await queue.get()
            if agent_back(event):
                await _finish_stores(services, reread=True)
            elif mediator_back(event):
                await _finish_stores(services, reread=False)


def agent_back(event: AgentEvent) -> bool:
    """The supervisor says ACA-Py is ready (after a restart: the first start is before us)."""
    return event.topic == AGENT_STATE_TOPIC and event.payload.get("state") == "ready"


def mediator_back(event: AgentEvent) -> bool:
    return event.topic == DELIVERY_TOPIC and event.payload.get("state") == "connected"


async def _finish_stores(services: WalletServices, *, reread: bool) -> None:
    try:
        if reread:
            found = await reconcile(services.client, services.bus)
            LOGGER.info(
                "ACA-Py is back: %d offers, %d proof requests pending",
                len(found.offers),
                len(found.requests),
            )
        finished = await offer_inbox(services).finish_interrupted_stores()
        if finished:
            LOGGER.info("finished %d interrupted credential stores", len(finished))
        if reread:
            report = await stored_credentials(services).reconcile()
            LOGGER.info("credential list after the gap: %d added", report.added)
    except (AdminApiError, OfferError) as error:
        LOGGER.warning("recovery after a gap not complete: %s", error)
    except Exception as error:  # the next gap must still be recovered from
        LOGGER.error("recovery after a gap failed: %s: %s", type(error).__name__, error)
