"""The welcome at first start (issue #16, point 3): its defences, and restore from the browser.

A real aiohttp server on 127.0.0.1 and real Askar stores; ACA-Py is not needed for a restore
(the e2e test tests/e2e/test_restore_in_browser.py runs the whole way with real peers).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import keyring
import pytest
from aiohttp.test_utils import TestServer
from keyring.backends import fail
from markupsafe import escape

from config.data_dir import DataDir
from tests.unit.test_backup_restore import PASSPHRASE, _backup, _old_wallet
from ui.cli import exit_codes, lifecycle
from ui.web.errors import ApiError
from ui.web.i18n import catalogue
from ui.web.security import CSRF_HEADER, SESSION_COOKIE, UiSecrets
from ui.web.welcome.app import create_welcome_app
from ui.web.welcome.state import WelcomeState, WipeNotice
from wallet.wallet_key import load_wallet_record


@dataclass
class Welcome:
    base: str
    ui: UiSecrets
    state: WelcomeState
    session: aiohttp.ClientSession  # logged in, with our Origin

    @property
    def csrf(self) -> str:
        return next(iter(self.ui.sessions.values()))


async def _serve(data_dir: DataDir, notice: WipeNotice | None = None) -> tuple[TestServer, Welcome]:
    state = WelcomeState(data_dir, notice=notice)
    ui = UiSecrets(api_token="welcome-test-token")
    server = TestServer(create_welcome_app(state, ui), host="127.0.0.1")
    await server.start_server()
    ui.port = server.port
    base = f"http://127.0.0.1:{server.port}"
    session = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Origin": base}
    )
    return server, Welcome(base, ui, state, session)


@pytest.fixture
async def welcome(tmp_path: Path) -> AsyncIterator[Welcome]:
    server, site = await _serve(DataDir(tmp_path / "new"))
    async with site.session.get(f"{site.base}/login?code={site.ui.login_code}") as login:
        assert login.status == 200 and "Restore from a backup" in await login.text()
    yield site
    await site.session.close()
    await server.close()


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    old = asyncio.run(_old_wallet(tmp_path / "old"))
    out = tmp_path / "backups" / "wallet.lwbackup"
    out.parent.mkdir()
    asyncio.run(_backup(old, out))
    return out


def _form(file: Path | None, secret: str, name: str = "wallet.lwbackup") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("secret", secret)
    if file is not None:
        form.add_field("backup", file.read_bytes(), filename=name)
    return form


async def _restore(site: Welcome, form: aiohttp.FormData, **headers: str) -> tuple[int, dict]:
    headers = {CSRF_HEADER: site.csrf, **headers}
    url = f"{site.base}/api/welcome/restore"
    async with site.session.post(url, data=form, headers=headers) as response:
        return response.status, await response.json()


def _uploads_left(data_dir: DataDir) -> list[Path]:
    return list(data_dir.root.parent.glob(".learner-wallet-upload-*"))


async def test_without_a_session_the_welcome_explains_how_to_log_in(tmp_path: Path) -> None:
    server, site = await _serve(DataDir(tmp_path / "new"))
    try:
        async with aiohttp.ClientSession() as anonymous:
            async with anonymous.get(site.base + "/") as page:
                text = await page.text()
                assert page.status == 401 and "Please log in first" in text
                assert "Restore from a backup" not in text
            async with anonymous.post(site.base + "/api/welcome/restore", data=b"x") as post:
                assert post.status == 401
            async with anonymous.get(f"{site.base}/login?code=wrong") as used_up:
                assert used_up.status == 401
    finally:
        await site.session.close()
        await server.close()


async def test_a_foreign_host_or_origin_or_a_missing_csrf_token_is_refused(
    welcome: Welcome, backup_file: Path
) -> None:
    foreign_host = {"Host": f"evil.example:{welcome.ui.port}"}
    async with welcome.session.get(welcome.base + "/", headers=foreign_host) as page:
        assert page.status == 403
    status, body = await _restore(
        welcome, _form(backup_file, PASSPHRASE), Origin="http://evil.example"
    )
    assert (status, body["error"]["code"]) == (403, "bad_origin")
    url = f"{welcome.base}/api/welcome/restore"
    async with welcome.session.post(url, data=_form(backup_file, PASSPHRASE)) as no_csrf:
        assert no_csrf.status == 403 and (await no_csrf.json())["error"]["code"] == "csrf"
    async with welcome.session.post(
        f"{welcome.base}/api/welcome/new", json={}, headers={"Origin": "http://evil.example"}
    ) as new:
        assert new.status == 403
    assert not welcome.state.data_dir.root.exists() and welcome.state.outcome is None


async def test_a_wrong_phrase_changes_nothing_and_the_right_one_then_restores(
    welcome: Welcome, backup_file: Path
) -> None:
    data_dir = welcome.state.data_dir
    status, body = await _restore(welcome, _form(backup_file, "not the passphrase at all"))
    assert (status, body["error"]["code"]) == (400, "backup_wrong_secret")
    assert body["error"]["message"] == catalogue("en").text("error.backup_wrong_secret")
    assert "secret" in body["error"]["fields"]
    assert not data_dir.root.exists() and not _uploads_left(data_dir)
    assert welcome.state.outcome is None  # the learner may try again

    status, body = await _restore(
        welcome, _form(backup_file, PASSPHRASE), **{"Accept-Language": "de"}
    )
    assert status == 200, body
    assert body["made"] == "restored"
    assert catalogue("de").text("setup_note.never_both") in body["lines"]
    assert any("wurde wiederhergestellt" in line for line in body["lines"])
    assert load_wallet_record(data_dir).key_storage == "keyring"
    assert not _uploads_left(data_dir)
    assert welcome.state.finished.is_set() and welcome.state.outcome is not None
    assert welcome.state.outcome.made == "restored" and welcome.state.outcome.passphrase is None
    status, body = await _restore(welcome, _form(backup_file, PASSPHRASE))
    assert (status, body["error"]["code"]) == (409, "welcome_busy")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"just some notes, not a backup", "backup_not_a_backup"),
        (None, "restore_form_incomplete"),
    ],
)
async def test_what_is_no_backup_is_refused_in_plain_words(
    welcome: Welcome, tmp_path: Path, content: bytes | None, code: str
) -> None:
    file = None
    if content is not None:
        file = tmp_path / "notes.lwbackup"
        file.write_bytes(content)
    status, body = await _restore(welcome, _form(file, PASSPHRASE), **{"Accept-Language": "de"})
    assert status in (400, 422) and body["error"]["code"] == code
    assert body["error"]["message"] == catalogue("de").text(f"error.{code}")
    assert body["error"]["hint"]
    assert not welcome.state.data_dir.root.exists()
    assert not _uploads_left(welcome.state.data_dir)


async def test_a_damaged_backup_is_refused_and_changes_nothing(
    welcome: Welcome, backup_file: Path
) -> None:
    damaged = bytearray(backup_file.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    backup_file.write_bytes(bytes(damaged))
    status, body = await _restore(welcome, _form(backup_file, PASSPHRASE))
    assert (status, body["error"]["code"]) == (400, "backup_damaged")
    assert not welcome.state.data_dir.root.exists()


async def test_without_a_keyring_the_new_passphrase_must_be_typed_twice_alike(
    welcome: Welcome, backup_file: Path
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        async with welcome.session.get(welcome.base + "/") as page:
            assert "restore-passphrase-repeat" in await page.text()
        form = _form(backup_file, PASSPHRASE)
        form.add_field("passphrase", "a new laptop passphrase")
        form.add_field("passphrase_repeat", "a new laptop passphrasE")
        status, body = await _restore(welcome, form)
        assert (status, body["error"]["code"]) == (422, "passphrase_not_accepted")
        assert set(body["error"]["fields"]) == {"passphrase_repeat"}
        assert not welcome.state.data_dir.root.exists()
        async with welcome.session.post(
            f"{welcome.base}/api/welcome/new",
            json={"passphrase": "short", "passphrase_repeat": "short"},
            headers={CSRF_HEADER: welcome.csrf},
        ) as new:
            assert new.status == 422 and "passphrase" in (await new.json())["error"]["fields"]
        assert not welcome.state.data_dir.root.exists()

        form = _form(backup_file, PASSPHRASE)
        form.add_field("passphrase", "a new laptop passphrase")
        form.add_field("passphrase_repeat", "a new laptop passphrase")
        status, body = await _restore(welcome, form)
        assert status == 200, body
        assert load_wallet_record(welcome.state.data_dir).key_storage == "passphrase"
        assert welcome.state.outcome is not None
        assert welcome.state.outcome.passphrase == "a new laptop passphrase"
    finally:
        keyring.set_keyring(previous)


async def test_after_a_wipe_that_did_not_finish_nothing_new_is_made(tmp_path: Path) -> None:
    notice = WipeNotice(done=False, problem="keyring", params={"problem": "locked"})
    server, site = await _serve(DataDir(tmp_path / "new"), notice)
    try:
        async with site.session.get(f"{site.base}/login?code={site.ui.login_code}") as page:
            text = await page.text()
        assert str(escape(catalogue("en").text("wipe.problem.keyring"))) in text
        assert "Restore from a backup" not in text
        async with site.session.post(
            f"{site.base}/api/welcome/new", json={}, headers={CSRF_HEADER: site.csrf}
        ) as new:
            assert (new.status, (await new.json())["error"]["code"]) == (409, "wipe_unfinished")
    finally:
        await site.session.close()
        await server.close()


def test_each_restore_failure_has_its_own_code() -> None:
    from ui.web.welcome.setup_api import _backup_problem
    from wallet.backup import errors

    kinds = [
        errors.WrongBackupSecret, errors.NotABackup, errors.BackupDamaged,
        errors.BackupTooNew, errors.TargetNotEmpty, errors.DiskFull, errors.BackupError,
    ]  # fmt: skip
    problems: list[ApiError] = [_backup_problem(kind("x")) for kind in kinds]
    assert len({p.code for p in problems}) == len(kinds)
    for problem in problems:
        for language in ("en", "de"):
            assert f"error.{problem.code}.hint" in catalogue(language).strings


async def test_the_session_cookie_is_http_only_and_strict(tmp_path: Path) -> None:
    server, site = await _serve(DataDir(tmp_path / "new"))
    try:
        async with aiohttp.ClientSession() as browser:
            url = f"{site.base}/login?code={site.ui.login_code}"
            async with browser.get(url, allow_redirects=False) as login:
                cookie = login.cookies[SESSION_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert site.ui.login_code is None  # the link worked once
    finally:
        await site.session.close()
        await server.close()


def test_start_without_a_wallet_stays_predictable_for_scripts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No terminal, or LEARNER_WALLET_WELCOME=0: exit code NO_WALLET, nothing written."""
    empty = DataDir(tmp_path / "none")
    monkeypatch.setenv(lifecycle.WELCOME_VARIABLE, "0")
    assert lifecycle.start(empty) == exit_codes.NO_WALLET
    monkeypatch.delenv(lifecycle.WELCOME_VARIABLE)
    assert not lifecycle.welcome_wanted()  # pytest's stdin is no terminal
    assert lifecycle.start(empty) == exit_codes.NO_WALLET
    assert not empty.root.exists()
    monkeypatch.setenv(lifecycle.WELCOME_VARIABLE, "1")
    assert lifecycle.welcome_wanted()
    half = DataDir(tmp_path / "half")
    half.root.mkdir()
    half.wipe_marker.write_text("{}")
    assert lifecycle.start(half) == exit_codes.NO_WALLET  # no welcome over a half-done wipe
    assert "wipe" in capsys.readouterr().err and half.wipe_marker.exists()
