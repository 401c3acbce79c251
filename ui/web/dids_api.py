"""The learner's DIDs: `GET /api/dids` (with what uses each) and `POST /api/dids`."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from agent.admin_client import AdminApiError
from protocols.peers import connection_cache
from ui.web.errors import ApiError
from ui.web.services import services_of
from wallet.dids import DidCreationError, NewDid, WalletDid, create_wallet_did, list_wallet_dids

CREATE_EXAMPLE = '{"method": "key" | "peer", "key_type": "ed25519" | "bls12381g2"}'


class DidList(BaseModel):
    dids: list[WalletDid]


async def list_dids(request: web.Request) -> web.Response:
    services = services_of(request)
    try:
        dids = await list_wallet_dids(services.client, services.record, connection_cache(services))
    except AdminApiError as error:
        raise _unavailable(error) from None
    return web.json_response(text=DidList(dids=dids).model_dump_json())


async def create_did(request: web.Request) -> web.Response:
    new = NewDid.model_validate(await _json_object(request))
    try:
        did = await create_wallet_did(services_of(request).client, new)
    except DidCreationError as error:
        raise ApiError(422, "did_not_created", detail=str(error)) from None
    except AdminApiError as error:
        raise _unavailable(error) from None
    return web.json_response(text=did.model_dump_json(), status=201)


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/dids", list_dids)
    router.add_post("/api/dids", create_did)


async def _json_object(request: web.Request) -> dict[str, object]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "invalid_json", detail=CREATE_EXAMPLE) from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", detail=f"a JSON object such as {CREATE_EXAMPLE}")
    return body


def _unavailable(error: AdminApiError) -> ApiError:
    return ApiError(503, "agent_unavailable", detail=str(error))
