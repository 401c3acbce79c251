"""The two ways to a wallet: a new one (what `init` does) or a restored backup.

Either runs once at a time; a failure changes nothing and the learner may try again. On
success the answer says, in the learner's words, what was made and what to know; then the
welcome ends and `start` runs the wallet.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field

from config.settings import SettingsError
from ui.restore_notes import NOTE_PREFIX, restore_notes
from ui.web.errors import ApiError, Words, words_of
from ui.web.welcome.state import WELCOME_KEY, WelcomeOutcome, WelcomeState
from ui.web.welcome.upload import received_backup
from wallet.backup.errors import (
    BackupDamaged,
    BackupError,
    BackupTooNew,
    DiskFull,
    NotABackup,
    TargetNotEmpty,
    WrongBackupSecret,
    is_disk_full,
)
from wallet.backup.phrase import normalize_passphrase
from wallet.backup.restore import Restored, restore_backup
from wallet.provision import WalletExistsError, init_wallet
from wallet.wallet_key import (
    MIN_PASSPHRASE_LENGTH,
    PASSPHRASE_VARIABLE,
    WalletKeyError,
    load_wallet_record,
    usable_keyring,
)


class NewWallet(BaseModel):
    passphrase: str = Field(default="", max_length=1024, repr=False)
    passphrase_repeat: str = Field(default="", max_length=1024, repr=False)


def needs_passphrase() -> bool:
    """No keyring to keep the key in (and none given for scripts): the learner chooses one."""
    return usable_keyring() is None and not os.environ.get(PASSPHRASE_VARIABLE)


def register(router: web.UrlDispatcher) -> None:
    router.add_post("/api/welcome/new", new_wallet)
    router.add_post("/api/welcome/restore", restore)


async def new_wallet(request: web.Request) -> web.Response:
    state = request.app[WELCOME_KEY]
    body = NewWallet.model_validate(await request.json())
    passphrase = _chosen_passphrase(body.passphrase, body.passphrase_repeat)
    async with _one_at_a_time(state):
        try:
            await init_wallet(state.data_dir, lambda _prompt: passphrase or "")
        except WalletExistsError:
            raise ApiError(409, "wallet_exists") from None
        except (WalletKeyError, SettingsError) as error:
            raise ApiError(500, "new_wallet_failed", detail=str(error)) from None
        words = words_of(request)
        storage = load_wallet_record(state.data_dir).key_storage
        lines = [words.text("setup_note.new"), words.text(f"setup_note.key_{storage}")]
        return await _finish(request, state, WelcomeOutcome("new", passphrase), lines)


async def restore(request: web.Request) -> web.Response:
    state = request.app[WELCOME_KEY]
    async with _one_at_a_time(state):
        try:
            async with received_backup(request, state.data_dir) as form:
                if form.path is None or not form.text("secret").strip():
                    raise ApiError(422, "restore_form_incomplete", fields=_missing(form))
                passphrase = _chosen_passphrase(
                    form.text("passphrase"), form.text("passphrase_repeat")
                )
                restored = await restore_backup(
                    form.path,
                    state.data_dir,
                    normalize_passphrase(form.text("secret")),
                    lambda _prompt: passphrase or "",
                )
        except BackupError as error:
            raise _backup_problem(error) from None
        except WalletKeyError as error:
            raise ApiError(500, "restore_key_failed", detail=str(error)) from None
        except OSError as error:
            if is_disk_full(error):
                raise _backup_problem(DiskFull(str(error))) from None
            raise
        lines = _restored_lines(request, state, restored)
        return await _finish(request, state, WelcomeOutcome("restored", passphrase), lines)


@asynccontextmanager
async def _one_at_a_time(state: WelcomeState) -> AsyncIterator[None]:
    if state.blocked:
        raise ApiError(409, "wipe_unfinished")
    if state.busy.locked() or state.outcome is not None:
        raise ApiError(409, "welcome_busy")
    async with state.busy:
        yield


def _chosen_passphrase(first: str, repeat: str) -> str | None:
    """The new wallet passphrase, checked like `init` checks it; None with a keyring."""
    if not needs_passphrase():
        return None
    if len(first) < MIN_PASSPHRASE_LENGTH:
        short = Words("field_problem.passphrase_short", {"n": MIN_PASSPHRASE_LENGTH})
        fields = {"passphrase": short}
        raise ApiError(422, "passphrase_not_accepted", reason="short", fields=fields)
    if first != repeat:
        fields = {"passphrase_repeat": Words("field_problem.passphrase_differs")}
        raise ApiError(422, "passphrase_not_accepted", reason="differs", fields=fields)
    return first


def _missing(form: Any) -> dict[str, Words]:
    missing: dict[str, Words] = {}
    if form.path is None:
        missing["backup"] = Words("field_problem.backup_missing")
    if not form.text("secret").strip():
        missing["secret"] = Words("field_problem.secret_missing")
    return missing


def _backup_problem(error: BackupError) -> ApiError:
    """Each way a restore can fail, as its own sentence; every one changed nothing."""
    if isinstance(error, WrongBackupSecret):
        return ApiError(
            400, "backup_wrong_secret", fields={"secret": Words("field_problem.secret_wrong")}
        )
    if isinstance(error, NotABackup):
        return ApiError(400, "backup_not_a_backup")
    if isinstance(error, BackupDamaged):
        return ApiError(400, "backup_damaged")
    if isinstance(error, BackupTooNew):
        return ApiError(400, "backup_too_new")
    if isinstance(error, TargetNotEmpty):
        return ApiError(409, "backup_target_taken")
    if isinstance(error, DiskFull):
        return ApiError(507, "restore_disk_full")
    return ApiError(500, "restore_failed", detail=str(error))


def _restored_lines(request: web.Request, state: WelcomeState, restored: Restored) -> list[str]:
    words = words_of(request)
    manifest = restored.manifest
    lines = [
        words.text(
            "setup_note.restored",
            when=words.datetime(manifest.created),
            host=manifest.source.host,
        ),
        words.text(f"setup_note.key_{restored.key_storage}"),
    ]
    for note in restore_notes(state.data_dir, restored):
        lines.append(words.text(NOTE_PREFIX + note.key, **note.params))
    return lines


async def _finish(
    request: web.Request, state: WelcomeState, outcome: WelcomeOutcome, lines: list[str]
) -> web.Response:
    """Answer first, then end the welcome: the browser must hear that it worked."""
    response = web.json_response({"made": outcome.made, "lines": lines})
    await response.prepare(request)
    await response.write_eof()
    state.finish(outcome)
    return response
