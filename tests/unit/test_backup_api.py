"""/api/backup over the real app: real Askar stores in a temp dir, ACA-Py faked at its edge."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from protocols.wallet_services import WalletServices
from tests.unit.backup_wallet import CHEAP, make_wallet
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.security import UiSecrets
from wallet.backup.archive import read_backup_header, unlock, verify
from wallet.backup.auto import WalletBackups, plan_of
from wallet.backup.files import is_own_backup
from wallet.backup.phrase import secret_for_key
from wallet.backup.saved_key import load_saved_key

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PASSPHRASE = "correct horse battery staple"


@dataclass
class Site:
    base: str
    ui: UiSecrets
    services: WalletServices
    folder: Path

    async def call(
        self, method: str, path: str, status: int, body: Any = None, language: str = "en"
    ) -> Any:
        headers = {**AUTH, "Accept-Language": language}
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.request(method, self.base + path, json=body) as response:
                assert response.status == status, await response.text()
                return await response.json()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    data_dir, secret, store = await make_wallet(tmp_path)
    services.store = store
    services.backups = WalletBackups(
        data_dir, secret, store, lambda: plan_of(data_dir, services.settings), cost=CHEAP
    )
    folder = tmp_path / "cloud"
    folder.mkdir()
    async with serving(services) as (server, ui):
        yield Site(f"http://127.0.0.1:{server.port}", ui, services, folder)
    await close_services(services)
    await admin_api.close()


def _error(body: dict[str, Any], code: str) -> dict[str, Any]:
    error = body["error"]
    assert error["code"] == code and error["message"] and error["hint"], error
    return error


async def test_home_nags_kindly_while_there_is_no_backup(site: Site) -> None:
    home = await _page(site, "/", "en")
    assert "Your credentials exist only on this computer." in home
    assert 'href="/settings#backup"' in home
    assert "Richten Sie eine Sicherung ein" in await _page(site, "/", "de")


async def test_the_phrase_is_shown_once_checked_by_two_words_and_never_logged(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    status = await site.call("GET", "/api/backup", 200)
    assert not status["secret_set"] and status["automatic_off"] == "no_secret"

    shown = await site.call("POST", "/api/backup/phrase", 200)
    words, check = shown["words"], shown["check"]
    assert len(words) == 12 and len(check) == 2 and check == sorted(set(check))
    status = await site.call("GET", "/api/backup", 200)
    assert status["phrase_check"] == check and not set(words) & set(str(status).split())
    wrong = {str(check[0]): words[check[0] - 1], str(check[1]): "zzz"}
    _error(
        await site.call("POST", "/api/backup/phrase/confirm", 422, {"words": wrong}),
        "backup_words_differ",
    )
    right = {str(p): words[p - 1] for p in check}  # too late: a wrong word dropped it
    _error(
        await site.call("POST", "/api/backup/phrase/confirm", 409, {"words": right}),
        "backup_no_phrase",
    )
    assert await load_saved_key(site.services.store.store) is None  # type: ignore[union-attr]

    shown = await site.call("POST", "/api/backup/phrase", 200)
    words, check = shown["words"], shown["check"]
    right = {str(p): f"  {words[p - 1].upper()} " for p in check}  # as typed: spaces, capitals
    kept = await site.call("POST", "/api/backup/phrase/confirm", 200, {"words": right})
    assert kept == {"secret_kind": "phrase"}
    status = await site.call("GET", "/api/backup", 200)
    assert status["secret_set"] and status["secret_kind"] == "phrase"
    assert status["phrase_check"] is None and status["automatic_off"] == "no_folder"
    _error(await site.call("POST", "/api/backup/phrase", 409), "backup_secret_set")

    await site.call("PUT", "/api/settings", 200, {"backup_folder": str(site.folder)})
    written = await site.call("POST", "/api/backup/now", 200)
    path = site.folder / written["file"]
    assert written["size"] == path.stat().st_size and written["folder"] == str(site.folder)
    master = unlock(read_backup_header(path), secret_for_key(" ".join(words), "phrase"))
    manifest, _ = verify(path, master)  # opens with the words shown, and is whole
    assert manifest.source.wallet_name == "w"
    logged = caplog.text.lower()
    assert " ".join(words) not in logged and written["file"] in logged
    assert not [w for w in words if f" {w} " in f" {logged} " and len(w) > 5]


async def test_a_passphrase_is_typed_twice_and_long_enough(site: Site) -> None:
    short = {"passphrase": "short", "repeat": "short"}
    error = _error(
        await site.call("POST", "/api/backup/passphrase", 422, short), "backup_passphrase_short"
    )
    assert "10" in error["hint"]
    differ = {"passphrase": PASSPHRASE, "repeat": PASSPHRASE + "!"}
    _error(
        await site.call("POST", "/api/backup/passphrase", 422, differ), "backup_passphrases_differ"
    )
    german = await site.call("POST", "/api/backup/passphrase", 422, differ, language="de")
    assert german["error"]["message"] == "Die beiden Passwörter sind nicht gleich."
    assert await load_saved_key(site.services.store.store) is None  # type: ignore[union-attr]

    chosen = {"passphrase": PASSPHRASE, "repeat": PASSPHRASE}
    assert await site.call("POST", "/api/backup/passphrase", 200, chosen) == {
        "secret_kind": "passphrase"
    }
    _error(await site.call("POST", "/api/backup/passphrase", 409, chosen), "backup_secret_set")
    first = await load_saved_key(site.services.store.store)  # type: ignore[union-attr]
    again = {**chosen, "replace": True}
    await site.call("POST", "/api/backup/passphrase", 200, again)
    second = await load_saved_key(site.services.store.store)  # type: ignore[union-attr]
    assert first is not None and second is not None and first.salt != second.salt


async def test_without_a_secret_or_folder_nothing_is_written_and_the_answer_says_why(
    site: Site,
) -> None:
    error = _error(await site.call("POST", "/api/backup/now", 409), "backup_unavailable")
    assert "first choose what opens your backups" in error["message"]
    await site.call(
        "POST", "/api/backup/passphrase", 200, {"passphrase": PASSPHRASE, "repeat": PASSPHRASE}
    )
    error = _error(await site.call("POST", "/api/backup/now", 409), "backup_unavailable")
    assert error["message"] == "There is no backup folder yet."
    unplugged = site.folder / "usb"
    unplugged.mkdir()
    await site.call("PUT", "/api/settings", 200, {"backup_folder": str(unplugged)})
    unplugged.rmdir()
    error = _error(await site.call("POST", "/api/backup/now", 500), "backup_failed")
    assert error["message"] == f"The backup folder {unplugged} is not there."
    status = await site.call("GET", "/api/backup", 200)
    assert status["failure"]["reason"] == "folder_missing" and status["last"] is None
    assert status["automatic_off"] == "folder_missing"
    for language, warning in (("en", "The last backup failed"), ("de", "fehlgeschlagen")):
        home = await _page(site, "/", language)
        assert warning in home and str(unplugged) in home and "data-backup-nag" not in home
    assert "Connect the drive it is on" in await _page(site, "/", "en")
    await site.call("PUT", "/api/settings", 200, {"backup_folder": ""})
    assert (await site.call("GET", "/api/backup", 200))["automatic_off"] == "no_folder"


async def test_the_folder_setting_is_checked_and_applies_without_a_restart(site: Site) -> None:
    for value, sentence in [
        ("Backups", "full path of the folder"),
        (str(site.folder / "gone"), "no folder at this path"),
        (str(site.folder / "file.txt"), "is a file, not a folder"),
    ]:
        (site.folder / "file.txt").write_text("x")
        body = await site.call("PUT", "/api/settings", 422, {"backup_folder": value})
        assert sentence in body["error"]["fields"]["backup_folder"], body
    body = await site.call("PUT", "/api/settings", 422, {"backup_keep": 0})
    assert "from 1 to 100" in body["error"]["fields"]["backup_keep"]

    answer = await site.call(
        "PUT", "/api/settings", 200, {"backup_folder": str(site.folder), "backup_keep": 3}
    )
    assert answer["restart_needed"] == [] and answer["settings"]["backup_keep"] == 3
    status = await site.call("GET", "/api/backup", 200)
    assert status["folder"] == str(site.folder) and status["keep"] == 3
    await site.call("PUT", "/api/settings", 200, {"backup_folder": None})
    assert (await site.call("GET", "/api/backup", 200))["folder"] is None


async def test_a_download_is_a_fresh_backup_only_for_our_own_pages(site: Site) -> None:
    error = _error(await _download(site, AUTH, 409), "backup_unavailable")
    assert error["code"] == "backup_unavailable"
    chosen = {"passphrase": PASSPHRASE, "repeat": PASSPHRASE}
    await site.call("POST", "/api/backup/passphrase", 200, chosen)

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        login = f"{site.base}/login?code={site.ui.login_code}"
        async with browser.get(login, allow_redirects=False) as response:
            assert response.status == 303
        other_page = {"Sec-Fetch-Site": "same-site"}
        async with browser.get(f"{site.base}/api/backup/download", headers=other_page) as response:
            assert (
                response.status == 403 and (await response.json())["error"]["code"] == "bad_origin"
            )
        ours = {"Sec-Fetch-Site": "same-origin"}
        async with browser.get(f"{site.base}/api/backup/download", headers=ours) as response:
            assert response.status == 200
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith('attachment; filename="learner-wallet-')
            content = await response.read()
    saved = site.folder / "downloaded.lwbackup"
    saved.write_bytes(content)
    key = await load_saved_key(site.services.store.store)  # type: ignore[union-attr]
    assert key is not None and is_own_backup(saved, key)
    verify(saved, key.master)
    leftovers = [p.name for p in site.services.data_dir.root.iterdir() if "download" in p.name]
    assert leftovers == []  # the temporary copy is gone
    status = await site.call("GET", "/api/backup", 200)
    assert status["last"]["folder"] is None and status["last"]["size"] == len(content)


async def _download(site: Site, headers: dict[str, str], status: int) -> Any:
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{site.base}/api/backup/download") as response:
            assert response.status == status, await response.text()
            return await response.json()


async def _page(site: Site, path: str, language: str) -> str:
    headers = {**AUTH, "Accept-Language": language}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(site.base + path) as response:
            assert response.status == 200
            return await response.text()
