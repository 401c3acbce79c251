"""GET/DELETE /api/credentials: the learner's stored credentials, searched through the index."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from agent.admin_client import AdminApiError
from ui.web.errors import ApiError
from ui.web.services import services_of
from wallet.credentials.models import CredentialId, CredentialSearch
from wallet.credentials.search_tags import SearchError
from wallet.credentials.source import CredentialNotFound
from wallet.credentials.stored import StoredCredentials
from wallet.credentials.sync import stored_credentials

SEARCH_PARAMS = ("q", "format", "issuer", "limit", "offset")
SEARCH_HINT = "limit is 1 to 100, offset 0 or more, format is anoncreds or w3c"
ID_HINT = "ids look like anoncreds:<id> or w3c:<id>; list them at /api/credentials"


async def list_credentials(request: web.Request) -> web.Response:
    search = _search_of(request)
    try:
        page = await _credentials(request).search(search)
    except SearchError as error:
        raise ApiError(400, "bad_search", str(error), "use longer words in `q`") from None
    return web.json_response(text=page.model_dump_json())


async def get_credential(request: web.Request) -> web.Response:
    credential_id = _id_of(request)
    try:
        credential = await _credentials(request).detail(credential_id)
    except CredentialNotFound:
        raise _not_found(credential_id) from None
    except AdminApiError as error:
        raise _agent_error(error) from None
    return web.json_response(text=credential.model_dump_json())


async def delete_credential(request: web.Request) -> web.Response:
    credential_id = _id_of(request)
    try:
        await _credentials(request).delete(credential_id)
    except CredentialNotFound:
        raise _not_found(credential_id) from None
    except AdminApiError as error:
        raise _agent_error(error) from None
    return web.json_response({"id": str(credential_id), "deleted": True})


def _credentials(request: web.Request) -> StoredCredentials:
    try:
        return stored_credentials(services_of(request))
    except RuntimeError:
        raise ApiError(503, "not_ready", "the credential store is not open yet",
                       "wait until /api/status says ready") from None  # fmt: skip


def _search_of(request: web.Request) -> CredentialSearch:
    """Query parameters as a CredentialSearch; anything wrong is a 400 that names it."""
    unknown = sorted(set(request.query) - set(SEARCH_PARAMS))
    if unknown:
        raise ApiError(400, "bad_parameter", f"unknown parameter(s): {', '.join(unknown)}",
                       f"use only {', '.join(SEARCH_PARAMS)}")  # fmt: skip
    repeated = sorted({key for key in request.query if len(request.query.getall(key)) > 1})
    if repeated:
        raise ApiError(400, "bad_parameter", f"repeated parameter(s): {', '.join(repeated)}",
                       "give each parameter once")  # fmt: skip
    values = {key: value for key, value in request.query.items() if value != ""}
    try:
        return CredentialSearch.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        raise ApiError(400, "bad_parameter", problems, SEARCH_HINT) from None


def _id_of(request: web.Request) -> CredentialId:
    raw = request.match_info["credential_id"]
    credential_id = CredentialId.parse(raw)
    if credential_id is None:
        raise ApiError(404, "credential_not_found", "no stored credential has this id", ID_HINT)
    return credential_id


def _not_found(credential_id: CredentialId) -> ApiError:
    return ApiError(404, "credential_not_found", f"no stored credential {credential_id}",
                    "it may have been deleted; list them at /api/credentials")  # fmt: skip


def _agent_error(error: AdminApiError) -> ApiError:
    return ApiError(502, "agent_error", str(error),
                    "the wallet's agent refused or is restarting; try again")  # fmt: skip


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/credentials", list_credentials)
    router.add_get("/api/credentials/{credential_id}", get_credential)
    router.add_delete("/api/credentials/{credential_id}", delete_credential)
