"""POST /api/credentials/import/check and /api/credentials/import: a credential file from
another wallet or a badge platform, verified offline, previewed, then stored.

The body is the file itself (JSON, at most 1 MiB). Both routes verify: the check stores
nothing, the import verifies again rather than trust an earlier answer. A 2xx answer
means at least one credential can be (or was) added; when none can, the answer is the
error of the first refused credential, or `already_in_wallet`.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from agent.admin_client import AdminApiError
from ui.web.credential_access import agent_error, credentials_of, only_our_pages
from ui.web.errors import ApiError, ErrorBody, words_of
from ui.web.pages.wording import Wording
from ui.web.services import services_of
from wallet.credentials.importing.files import MAX_FILE_BYTES
from wallet.credentials.importing.flow import CredentialImport, ImportItem, ImportReport
from wallet.credentials.importing.refusals import ImportRefused, RefusalReason
from wallet.history import History

READ_CHUNK = 64 * 1024


class ShownField(BaseModel):
    """One claim as the preview shows it: its label and value in the learner's words."""

    label: str
    value: str


class ImportItemView(ImportItem):
    """One credential of the file, with the reason it was refused in the learner's words."""

    problem: ErrorBody | None = None
    fields: list[ShownField] = Field(default_factory=list)  # ids and types left out


class ImportAnswer(BaseModel):
    items: list[ImportItemView]
    ready: int
    stored: int
    already_held: int
    refused: int
    credential_ids: list[str]  # ours, of the credentials this call stored


async def check_import(request: web.Request) -> web.Response:
    """Verify and preview; nothing is stored."""
    report = await _report(request, storing=False)
    _raise_if_nothing_to_add(report)
    return web.json_response(text=_answer(request, report).model_dump_json())


async def import_credentials(request: web.Request) -> web.Response:
    """Verify again and store what verifies; the history notes each one."""
    report = await _report(request, storing=True)
    if not report.count("stored"):
        _raise_if_nothing_to_add(report)
    return web.json_response(text=_answer(request, report).model_dump_json(), status=201)


async def _report(request: web.Request, *, storing: bool) -> ImportReport:
    only_our_pages(request)
    content = await _file_of(request)
    importer = _importer(request)
    try:
        return await (importer.store(content) if storing else importer.check(content))
    except ImportRefused as refused:
        raise _refusal(refused.reason, refused.detail) from None
    except AdminApiError as error:
        raise agent_error(error) from None


async def _file_of(request: web.Request) -> bytes:
    """The body, refused past MAX_FILE_BYTES without reading the rest."""
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES:
        raise ApiError(413, "import_too_large", detail=f"at most {MAX_FILE_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(READ_CHUNK):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise ApiError(413, "import_too_large", detail=f"at most {MAX_FILE_BYTES} bytes")
        chunks.append(chunk)
    if not size:
        raise ApiError(422, "import_refused", reason="not_json", detail="the file is empty")
    return b"".join(chunks)


def _importer(request: web.Request) -> CredentialImport:
    services = services_of(request)
    credentials = credentials_of(request)

    def trusted_name(did: str | None) -> str | None:
        entry = services.trust.lookup(did, "issuer")
        return entry.name if entry is not None else None

    history = History(services.store) if services.store is not None else None
    return CredentialImport(services.client, credentials, trusted_name, history)


def _raise_if_nothing_to_add(report: ImportReport) -> None:
    """No credential to add: the first refusal, else "already in your wallet"."""
    if report.count("ready") or report.count("stored"):
        return
    refused = next((item for item in report.items if item.status == "refused"), None)
    if refused is not None and refused.reason is not None:
        raise _refusal(refused.reason, refused.detail)
    held = [item.credential_id for item in report.items if item.credential_id]
    raise ApiError(409, "already_in_wallet", detail=", ".join(held) or None)


def _fields(wording: Wording, item: ImportItem) -> list[ShownField]:
    attributes = item.credential.attributes if item.credential else {}
    return [
        ShownField(label=wording.field_label(name), value=wording.field_value(name, value))
        for name, value in wording.claims_of(attributes)
    ]


def _refusal(reason: RefusalReason, detail: str | None) -> ApiError:
    return ApiError(422, "import_refused", reason=reason, detail=detail)


def _answer(request: web.Request, report: ImportReport) -> ImportAnswer:
    words = words_of(request)
    wording = Wording(words)
    items = [
        ImportItemView(
            **item.model_dump(),
            problem=_refusal(item.reason, item.detail).body(words) if item.reason else None,
            fields=_fields(wording, item),
        )
        for item in report.items
    ]
    stored_ids = [i.credential_id for i in report.items if i.status == "stored" and i.credential_id]
    return ImportAnswer(
        items=items,
        ready=report.count("ready"),
        stored=report.count("stored"),
        already_held=report.count("already_held"),
        refused=report.count("refused"),
        credential_ids=stored_ids,
    )


def register(router: web.UrlDispatcher) -> None:
    router.add_post("/api/credentials/import/check", check_import)
    router.add_post("/api/credentials/import", import_credentials)
