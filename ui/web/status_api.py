"""GET /api/status: is the wallet ready, what runs, and how much it holds."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import BaseModel

from agent.admin_client import AdminApiError
from agent.reconcile import OPEN_OFFER_STATE, OPEN_REQUEST_STATE
from protocols.connections.own_invitation_expiry import is_own_unanswered
from protocols.delivery import DeliveryStatus, status_of
from ui.catch_up import catch_up_of
from ui.web.services import services_of


class StatusCounts(BaseModel):
    connections: int
    dids: int
    pending_offers: int
    pending_requests: int


class StatusResponse(BaseModel):
    ready: bool
    agent_state: str
    acapy_version: str | None
    wallet_name: str
    label: str
    restarts: int
    agent_pid: int | None
    last_error: str | None
    counts: StatusCounts | None
    delivery: DeliveryStatus
    # Start-up work done after ready (ui/catch_up.py), e.g. "exchanges"; routes that
    # depend on it wait for it.
    catching_up: list[str] = []


async def get_status(request: web.Request) -> web.Response:
    services = services_of(request)
    agent = services.agent
    version: str | None = None
    counts: StatusCounts | None = None
    ready = agent.state == "ready"
    if ready:
        try:
            # ACA-Py's own readiness beside the counts, not before them: one round trip
            # less for the first page after a start.
            answers_ready, status, connections, dids, offers, requests = await asyncio.gather(
                services.client.is_ready(),
                services.client.status(),
                services.client.list_connections(),
                services.client.list_dids(),
                services.client.list_credential_exchanges(state=OPEN_OFFER_STATE),
                services.client.list_presentation_exchanges(state=OPEN_REQUEST_STATE),
            )
            ready = answers_ready
            if ready:
                version = status.version
                counts = StatusCounts(
                    # the learner's own unanswered invitations are nobody yet
                    connections=sum(not is_own_unanswered(c) for c in connections),
                    dids=len(dids),
                    pending_offers=len(offers),
                    pending_requests=len(requests),
                )
        except AdminApiError:
            ready = False
    body = StatusResponse(
        ready=ready,
        agent_state=agent.state,
        acapy_version=version,
        wallet_name=services.record.wallet_name,
        label=services.settings.label,
        restarts=agent.restarts,
        agent_pid=agent.pid if agent.is_running() else None,
        last_error=agent.last_error,
        counts=counts,
        delivery=status_of(services),
        catching_up=list(catch_up_of(request).pending()),
    )
    return web.json_response(text=body.model_dump_json())


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/status", get_status)
