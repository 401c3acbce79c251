"""Credential offers: `GET /api/offers`, `GET /api/offers/{id}`, accept and decline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast, get_args

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from agent.admin_client import AdminApiError
from protocols.issuance.errors import OfferError
from protocols.issuance.flow import offer_inbox
from protocols.issuance.inbox import OfferInbox
from protocols.issuance.models import CredentialOffer, OfferState
from ui.web.errors import ApiError
from ui.web.services import wallet_part

MAX_LIST = 500


class OfferList(BaseModel):
    offers: list[CredentialOffer]


class DeclineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


async def list_offers(request: web.Request) -> web.Response:
    limit = _limit(request.query.get("limit", "50"))
    state = request.query.get("state") or None
    if state is not None and state not in get_args(OfferState):
        allowed = ", ".join(get_args(OfferState))
        raise ApiError(400, "invalid_state", detail=f"use {allowed}")
    async with _answering():
        offers = await _inbox(request).list_offers(
            limit=limit, state=cast(OfferState | None, state)
        )
    return _json(OfferList(offers=offers))


async def get_offer(request: web.Request) -> web.Response:
    async with _answering():
        offer = await _inbox(request).get(request.match_info["offer_id"])
    return _json(offer)


async def accept_offer(request: web.Request) -> web.Response:
    async with _answering():
        offer = await _inbox(request).accept(request.match_info["offer_id"])
    return _json(offer)


async def decline_offer(request: web.Request) -> web.Response:
    body = await _decline_body(request)
    async with _answering():
        offer = await _inbox(request).decline(request.match_info["offer_id"], body.reason)
    return _json(offer)


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/offers", list_offers)
    router.add_get("/api/offers/{offer_id}", get_offer)
    router.add_post("/api/offers/{offer_id}/accept", accept_offer)
    router.add_post("/api/offers/{offer_id}/decline", decline_offer)


def _inbox(request: web.Request) -> OfferInbox:
    return wallet_part(request, offer_inbox)


@asynccontextmanager
async def _answering() -> AsyncIterator[None]:
    """Turn domain and ACA-Py errors into JSON errors the learner can act on."""
    try:
        yield
    except OfferError as error:
        raise ApiError(error.status, error.code, detail=str(error)) from None
    except AdminApiError as error:
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None


async def _decline_body(request: web.Request) -> DeclineBody:
    if not request.can_read_body:
        return DeclineBody()
    try:
        raw = await request.json()
    except ValueError:
        raise ApiError(400, "invalid_json") from None
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_body")
    return DeclineBody.model_validate(raw)


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIST:
        raise ApiError(400, "invalid_limit", params={"low": 1, "high": MAX_LIST})
    return int(text)


def _json(model: BaseModel) -> web.Response:
    return web.json_response(text=model.model_dump_json())
