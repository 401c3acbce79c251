"""Start-up reconciliation: rebuild what is pending from the admin API, not from webhooks.

ACA-Py keeps webhook retries in memory only, so anything that arrived while the controller
was down is found here and republished as if its webhook had just come in.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agent.admin_client import AdminClient
from agent.admin_models import (
    ConnectionRecord,
    CredentialExchangeRecord,
    PresentationExchangeRecord,
)
from agent.events import AgentEvent, EventBus

OPEN_CONNECTION_STATES = ("invitation", "request", "response")
OPEN_OFFER_STATE = "offer-received"
OPEN_REQUEST_STATE = "request-received"
# States where we wait for the peer; a deadline turns them into failures later.
WAITING_CREDENTIAL_STATES = ("request-sent", "credential-received")
WAITING_PRESENTATION_STATES = ("presentation-sent",)


class OpenExchanges(BaseModel):
    """What needs the learner or is still under way when the controller starts."""

    connections: list[ConnectionRecord] = Field(default_factory=list)
    offers: list[CredentialExchangeRecord] = Field(default_factory=list)
    requests: list[PresentationExchangeRecord] = Field(default_factory=list)
    waiting_credentials: list[CredentialExchangeRecord] = Field(default_factory=list)
    waiting_presentations: list[PresentationExchangeRecord] = Field(default_factory=list)


async def read_open_exchanges(client: AdminClient) -> OpenExchanges:
    """One admin API call per record kind; ACA-Py filters by state with its tag index."""
    open_exchanges = OpenExchanges()
    for state in OPEN_CONNECTION_STATES:
        open_exchanges.connections += await client.list_connections(state=state)
    open_exchanges.offers = await client.list_credential_exchanges(state=OPEN_OFFER_STATE)
    open_exchanges.requests = await client.list_presentation_exchanges(state=OPEN_REQUEST_STATE)
    for state in WAITING_CREDENTIAL_STATES:
        open_exchanges.waiting_credentials += await client.list_credential_exchanges(state=state)
    for state in WAITING_PRESENTATION_STATES:
        open_exchanges.waiting_presentations += await client.list_presentation_exchanges(
            state=state
        )
    return open_exchanges


async def reconcile(client: AdminClient, bus: EventBus) -> OpenExchanges:
    """Read open exchanges and publish each as an event, as its webhook would have."""
    found = await read_open_exchanges(client)
    for connection in found.connections:
        bus.publish(_event("connections", connection.model_dump()))
    for exchange in found.offers + found.waiting_credentials:
        bus.publish(_event("issue_credential_v2_0", exchange.model_dump()))
    for presentation in found.requests + found.waiting_presentations:
        bus.publish(_event("present_proof_v2_0", presentation.model_dump()))
    return found


def _event(topic: str, payload: dict[str, object]) -> AgentEvent:
    return AgentEvent(topic=topic, payload=payload, source="reconcile")
