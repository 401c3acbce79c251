"""GET/DELETE /api/credentials: the learner's stored credentials, searched through the index.

Importing a file (POST /api/credentials/import) lives in `credential_import_api`."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from agent.admin_client import AdminApiError
from ui.web import credential_import_api
from ui.web.credential_access import agent_error, credentials_of, only_our_pages
from ui.web.errors import ApiError, words_of
from wallet.credentials.export import NotExportable, export_all, export_one
from wallet.credentials.models import CredentialId, CredentialSearch
from wallet.credentials.search_tags import SearchError
from wallet.credentials.source import CredentialNotFound

SEARCH_PARAMS = ("q", "format", "issuer", "limit", "offset", "sort")
BUNDLE_NAME = "credentials-for-other-wallets.zip"
LEFT_OUT_HEADER = "X-Credentials-Left-Out"


async def list_credentials(request: web.Request) -> web.Response:
    search = _search_of(request)
    try:
        page = await credentials_of(request).search(search)
    except SearchError as error:
        raise ApiError(400, "bad_search", detail=str(error)) from None
    return web.json_response(text=page.model_dump_json())


async def get_credential(request: web.Request) -> web.Response:
    credential_id = _id_of(request)
    try:
        credential = await credentials_of(request).detail(credential_id)
    except CredentialNotFound:
        raise _not_found(credential_id) from None
    except AdminApiError as error:
        raise agent_error(error) from None
    return web.json_response(text=credential.model_dump_json())


async def delete_credential(request: web.Request) -> web.Response:
    credential_id = _id_of(request)
    try:
        await credentials_of(request).delete(credential_id)
    except CredentialNotFound:
        raise _not_found(credential_id) from None
    except AdminApiError as error:
        raise agent_error(error) from None
    return web.json_response({"id": str(credential_id), "deleted": True})


async def export_credential(request: web.Request) -> web.Response:
    """The issuer's signed document as a file another wallet imports (W3C only)."""
    only_our_pages(request)
    credential_id = _id_of(request)
    try:
        item = await export_one(credentials_of(request).source, credential_id)
    except NotExportable:
        raise ApiError(409, "not_exportable", reason="anoncreds") from None
    except CredentialNotFound:
        raise _not_found(credential_id) from None
    except AdminApiError as error:
        raise agent_error(error) from None
    return _download(item.content(), "application/ld+json", item.file_name)


async def export_credentials(request: web.Request) -> web.Response:
    """Every W3C credential in one zip; AnonCreds ones stay (README.txt and a header say so)."""
    only_our_pages(request)
    words = words_of(request)

    def readme(exported: int, left_out: int) -> str:
        lines = [words.text("export_file.intro"), words.text("export_file.count", n=exported)]
        if left_out:
            lines.append(words.text("export_file.left_out", n=left_out))
        return "\n\n".join(lines) + "\n"

    try:
        bundle = await export_all(credentials_of(request).source, readme)
    except AdminApiError as error:
        raise agent_error(error) from None
    response = _download(bundle.content, "application/zip", BUNDLE_NAME)
    response.headers[LEFT_OUT_HEADER] = str(bundle.left_out)
    return response


def _download(content: bytes, content_type: str, file_name: str) -> web.Response:
    """A file to save; `file_name` is already plain ASCII (see `safe_file_name`)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{file_name}"',
        # No other site may embed it (an <img> or <script> pointing here).
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    return web.Response(body=content, content_type=content_type, headers=headers)


def _search_of(request: web.Request) -> CredentialSearch:
    """Query parameters as a CredentialSearch; anything wrong is a 400 that names it."""
    unknown = sorted(set(request.query) - set(SEARCH_PARAMS))
    if unknown:
        raise ApiError(400, "bad_parameter", detail=f"unknown: {', '.join(unknown)}")
    repeated = sorted({key for key in request.query if len(request.query.getall(key)) > 1})
    if repeated:
        raise ApiError(400, "bad_parameter", detail=f"repeated: {', '.join(repeated)}")
    values = {key: value for key, value in request.query.items() if value != ""}
    try:
        return CredentialSearch.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        raise ApiError(400, "bad_parameter", detail=problems) from None


def _id_of(request: web.Request) -> CredentialId:
    raw = request.match_info["credential_id"]
    credential_id = CredentialId.parse(raw)
    if credential_id is None:
        raise ApiError(404, "credential_not_found")
    return credential_id


def _not_found(credential_id: CredentialId) -> ApiError:
    return ApiError(404, "credential_not_found", detail=str(credential_id))


def register(router: web.UrlDispatcher) -> None:
    credential_import_api.register(router)
    router.add_get("/api/credentials", list_credentials)
    router.add_get("/api/credentials/export", export_credentials)  # before the {id} route
    router.add_get("/api/credentials/{credential_id}/export", export_credential)
    router.add_get("/api/credentials/{credential_id}", get_credential)
    router.add_delete("/api/credentials/{credential_id}", delete_credential)
