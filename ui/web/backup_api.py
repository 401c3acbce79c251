"""/api/backup: the backup status, the first secret chosen in the browser, backups on demand.

The recovery phrase leaves the wallet exactly once, in the answer to `POST
/api/backup/phrase`; it is held in memory until two of its words come back. No answer and
no log line carries a phrase, passphrase or key otherwise.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from ui.web.credential_access import only_our_pages
from ui.web.errors import ApiError
from ui.web.services import services_of
from wallet.backup.auto import BackupFailure, BackupUnavailable, WalletBackups
from wallet.backup.first_secret import (
    NoPhraseWaiting,
    PassphrasesDiffer,
    PassphraseTooShort,
    WordsDiffer,
)
from wallet.backup.phrase import MIN_PASSPHRASE_LENGTH
from wallet.backup.saved_key import load_saved_key

DOWNLOAD_PIECE = 1024 * 1024


class NewSecret(BaseModel):
    replace: bool = False  # a secret is saved already: replace it for later backups


class PhraseCheck(BaseModel):
    words: dict[int, str] = Field(max_length=2)  # position (1-based) -> the word typed


class ChosenPassphrase(NewSecret):
    passphrase: str = Field(max_length=1024, repr=False)
    repeat: str = Field(max_length=1024, repr=False)


async def get_status(request: web.Request) -> web.Response:
    status = await _backups(request).status()
    return web.json_response(text=status.model_dump_json())


async def show_phrase(request: web.Request) -> web.Response:
    """A new recovery phrase, shown this once, and the two words to type back."""
    backups = _backups(request)
    await _may_choose(backups, await _body(request, NewSecret))
    words, check = backups.setup.show_phrase()
    return web.json_response({"words": words, "check": check})


async def confirm_phrase(request: web.Request) -> web.Response:
    backups = _backups(request)
    answer = await _body(request, PhraseCheck)
    try:
        key = await backups.setup.confirm_phrase(backups.store.store, answer.words)
    except NoPhraseWaiting:
        raise ApiError(409, "backup_no_phrase") from None
    except WordsDiffer:
        raise ApiError(422, "backup_words_differ") from None
    return web.json_response({"secret_kind": key.kind})


async def choose_passphrase(request: web.Request) -> web.Response:
    backups = _backups(request)
    chosen = await _body(request, ChosenPassphrase)
    await _may_choose(backups, chosen)
    try:
        key = await backups.setup.choose_passphrase(
            backups.store.store, chosen.passphrase, chosen.repeat
        )
    except PassphrasesDiffer:
        raise ApiError(422, "backup_passphrases_differ") from None
    except PassphraseTooShort:
        raise ApiError(
            422, "backup_passphrase_short", params={"n": MIN_PASSPHRASE_LENGTH}
        ) from None
    return web.json_response({"secret_kind": key.kind})


async def back_up_now(request: web.Request) -> web.Response:
    try:
        written = await _backups(request).back_up_now()
    except BackupUnavailable as error:
        raise _unavailable(error) from None
    except BackupFailure as error:
        raise _failed(error) from None
    return web.json_response(text=written.model_dump_json())


async def download(request: web.Request) -> web.StreamResponse:
    """A fresh backup streamed to the browser, for learners without a backup folder."""
    only_our_pages(request)
    try:
        async with _backups(request).download() as path:
            response = web.StreamResponse(
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Disposition": f'attachment; filename="{path.name}"',
                    "Content-Length": str(path.stat().st_size),
                    "Cross-Origin-Resource-Policy": "same-origin",
                }
            )
            await response.prepare(request)
            with path.open("rb") as handle:
                while piece := handle.read(DOWNLOAD_PIECE):
                    await response.write(piece)
        await response.write_eof()
    except BackupUnavailable as error:
        raise _unavailable(error) from None
    except BackupFailure as error:
        raise _failed(error) from None
    return response


async def _may_choose(backups: WalletBackups, body: NewSecret) -> None:
    """A saved secret is replaced only when asked (older backups keep their old one)."""
    if not body.replace and await load_saved_key(backups.store.store) is not None:
        raise ApiError(409, "backup_secret_set")


async def _body[Model: BaseModel](request: web.Request, model: type[Model]) -> Model:
    if not request.can_read_body:
        return model.model_validate({})
    try:
        raw = await request.json()
    except ValueError:
        raise ApiError(400, "bad_json") from None
    return model.model_validate(raw)


def _backups(request: web.Request) -> WalletBackups:
    backups = services_of(request).backups
    if backups is None:
        raise ApiError(503, "wallet_not_ready")
    return backups


def _unavailable(error: BackupUnavailable) -> ApiError:
    return ApiError(409, "backup_unavailable", reason=error.reason)


def _failed(error: BackupFailure) -> ApiError:
    failed = error.failed
    return ApiError(
        500,
        "backup_failed",
        reason=failed.reason,
        detail=failed.detail,
        params={"folder": failed.folder},
    )


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/backup", get_status)
    router.add_post("/api/backup/phrase", show_phrase)
    router.add_post("/api/backup/phrase/confirm", confirm_phrase)
    router.add_post("/api/backup/passphrase", choose_passphrase)
    router.add_post("/api/backup/now", back_up_now)
    router.add_get("/api/backup/download", download)
