"""Connections: accept an invitation, list and show connections, show the learner's own.

POST /api/connections {"invitation": "<url or JSON>", "alias"?}: 201 with a new
connection, 200 when the inviter's existing connection was reused.
POST /api/invitation: 201 with a new invitation of the learner's own, 200 with the current
one while nobody has answered it and it has not expired. GET /api/invitation shows the
current one (404 `no_invitation` when there is none) and never makes one.
"""

from __future__ import annotations

import json

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from agent.admin_client import AdminApiError
from protocols.connections.accept import AcceptedInvitation, accept_invitation
from protocols.connections.addresses import text_problem
from protocols.connections.errors import InvitationError
from protocols.connections.mediation_ready import MediationNotReady, require_mediation
from protocols.connections.own_invitation import (
    OwnInvitation,
    current_own_invitation,
    own_invitation,
)
from protocols.connections.own_invitation_expiry import is_own_unanswered
from protocols.connections.views import ConnectionView, connection_view
from protocols.delivery import status_of
from protocols.messages.book import MessageStoreError, message_book
from protocols.peers import connection_cache
from protocols.wallet_services import WalletServices
from ui.web.errors import ApiError
from ui.web.json_body import json_body
from ui.web.services import services_of


class AcceptInvitationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invitation: StrictStr = Field(
        description="An invitation URL (?oob=), a short link, or its JSON.", max_length=1 << 20
    )
    alias: StrictStr | None = Field(default=None, max_length=100)

    @field_validator("alias")
    @classmethod
    def _plain_alias(cls, value: str | None) -> str | None:
        problem = text_problem(value) if value is not None else None
        if problem:
            raise ValueError(f"alias: {problem}")
        return value


class ConnectionList(BaseModel):
    connections: list[ConnectionView]


async def _body(request: web.Request) -> AcceptInvitationBody:
    raw = await json_body(request)
    if isinstance(raw, dict) and isinstance(raw.get("invitation"), dict):
        raw = {**raw, "invitation": json.dumps(raw["invitation"])}
    return AcceptInvitationBody.model_validate(raw)


async def _reachable_through_mediator(services: WalletServices) -> None:
    """Refuse to connect while a pickup wallet has no mediation (see mediation_ready)."""
    try:
        await require_mediation(services.client, services.settings)
    except MediationNotReady:
        mediator = status_of(services).mediator
        raise ApiError(
            503,
            "mediator_not_ready",
            reason="named" if mediator else None,
            params={"mediator": mediator or ""},
            detail="the mediator has not granted mediation yet",
        ) from None
    except AdminApiError as error:
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None


def has_ledger(services: WalletServices) -> bool:
    """An Indy ledger is configured, so the learner's agent can resolve did:sov DIDs."""
    return bool(services.settings.genesis_file or services.settings.genesis_url)


def _agent_error(error: AdminApiError) -> ApiError:
    if error.status in (404, 422):  # ACA-Py answers 422 for ids that are no UUID
        return ApiError(404, "connection_not_found")
    return ApiError(503, "agent_unavailable", detail=str(error))


async def post_connection(request: web.Request) -> web.Response:
    body = await _body(request)
    services = services_of(request)
    await _reachable_through_mediator(services)
    try:
        accepted: AcceptedInvitation = await accept_invitation(
            services.client, body.invitation, body.alias, ledger=has_ledger(services)
        )
    except InvitationError as error:
        raise ApiError(
            error.status, error.code, reason=error.reason, detail=error.detail, params=error.params
        ) from None
    status = 200 if accepted.reused else 201
    return web.json_response(text=accepted.model_dump_json(), status=status)


async def list_connections(request: web.Request) -> web.Response:
    services = services_of(request)
    try:
        records = await services.client.list_connections()
    except AdminApiError as error:
        raise _agent_error(error) from None
    unread = await _unread(services)
    names = connection_cache(services)
    # An invitation of the learner's own is nobody yet: it shows once someone answers it.
    shown = (
        connection_view(r, names.name_of(r.connection_id), unread.get(r.connection_id, 0))
        for r in records
        if not is_own_unanswered(r)
    )
    views = sorted(shown, key=lambda v: v.created or "")
    return web.json_response(text=ConnectionList(connections=views).model_dump_json())


async def get_connection(request: web.Request) -> web.Response:
    services = services_of(request)
    connection_id = request.match_info["id"]
    try:
        record = await services.client.connection(connection_id)
    except AdminApiError as error:
        raise _agent_error(error) from None
    name = connection_cache(services).name_of(connection_id)
    count = (await _unread(services)).get(connection_id, 0)
    return web.json_response(text=connection_view(record, name, count).model_dump_json())


async def _unread(services: WalletServices) -> dict[str, int]:
    """Unread messages per connection; none when the store cannot say (the list still shows)."""
    if services.store is None:
        return {}
    try:
        counts = await message_book(services).unread()
    except MessageStoreError:
        return {}
    return {connection_id: count for connection_id, (count, _) in counts.items()}


async def get_invitation(request: web.Request) -> web.Response:
    services = services_of(request)
    lifetime = services.settings.invitation_lifetime
    try:
        own: OwnInvitation | None = await current_own_invitation(services.client, lifetime)
    except AdminApiError as error:
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None
    if own is None:
        raise ApiError(404, "no_invitation")
    return web.json_response(text=own.model_dump_json())


async def post_invitation(request: web.Request) -> web.Response:
    services = services_of(request)
    lifetime = services.settings.invitation_lifetime
    await _reachable_through_mediator(services)
    try:
        own, made = await own_invitation(services.client, lifetime)
    except AdminApiError as error:
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None
    return web.json_response(text=own.model_dump_json(), status=201 if made else 200)


def register(router: web.UrlDispatcher) -> None:
    router.add_post("/api/connections", post_connection)
    router.add_get("/api/connections", list_connections)
    router.add_get("/api/connections/{id}", get_connection)
    router.add_get("/api/invitation", get_invitation)
    router.add_post("/api/invitation", post_invitation)
