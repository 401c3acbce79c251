"""The login page names the command for the wallet that serves it, as it works when pasted."""

from __future__ import annotations

import html
import os
import re
import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from config.data_dir import HOME_VARIABLE, default_data_dir, demo_data_dir
from tests.unit.fake_admin import ADMIN_KEY, FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.security import UiSecrets

VENV_SCRIPT = str(Path(sys.executable).parent / "learner-wallet")
OFF_PATH = f"/usr/bin{os.pathsep}/bin"


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", OFF_PATH)  # as after `make demo`: the venv is not on PATH


@asynccontextmanager
async def login_page(
    data_dir: Path, language: str = "en", path: str = "/credentials"
) -> AsyncIterator[tuple[str, UiSecrets]]:
    """The page a browser without a session gets from a wallet whose data dir is `data_dir`."""
    admin_api = FakeAdminApi()
    await admin_api.start()
    data_dir.mkdir(parents=True, exist_ok=True)
    services = await make_services(admin_api.url, data_dir, with_store=False)
    try:
        async with serving(services) as (server, ui), aiohttp.ClientSession() as session:
            headers = {"Accept": "text/html", "Accept-Language": language}
            url = f"http://127.0.0.1:{server.port}{path}"
            async with session.get(url, headers=headers) as response:
                assert response.status == 401
                yield await response.text(), ui
    finally:
        await close_services(services)
        await admin_api.close()


def _command(page: str) -> list[str]:
    found = re.search(r"<code>(.*?)</code>", page, re.S)
    assert found, page
    return shlex.split(html.unescape(found.group(1)))


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "This wallet keeps its data in"), ("de", "Dieses Wallet speichert seine Daten in")],
)
async def test_a_custom_dir_is_named_in_both_languages(
    tmp_path: Path, language: str, words: str
) -> None:
    data_dir = tmp_path / "my wallet & co"
    async with login_page(data_dir, language) as (page, _):
        assert _command(page) == [VENV_SCRIPT, "--data-dir", str(data_dir), "login"]
        assert f"{words} {html.escape(str(data_dir))}" in page


async def test_the_demos_page_names_the_demos_dir(tmp_path: Path) -> None:
    async with login_page(demo_data_dir().root) as (page, _):
        assert _command(page) == [VENV_SCRIPT, "--data-dir", str(demo_data_dir().root), "login"]


async def test_a_used_up_link_gets_the_same_command(tmp_path: Path) -> None:
    data_dir = tmp_path / "w"
    async with login_page(data_dir, path="/login?code=wrong") as (page, _):
        assert "used up or wrong" in page
        assert _command(page) == [VENV_SCRIPT, "--data-dir", str(data_dir), "login"]


async def test_the_default_dir_on_path_is_the_plain_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{OFF_PATH}")
    async with login_page(default_data_dir().root) as (page, _):
        assert _command(page) == ["learner-wallet", "login"]


async def test_a_dir_from_the_env_variable_is_still_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader may paste into a terminal without $LEARNER_WALLET_HOME."""
    data_dir = tmp_path / "from-env"
    monkeypatch.setenv(HOME_VARIABLE, str(data_dir))
    async with login_page(data_dir) as (page, _):
        assert _command(page) == [VENV_SCRIPT, "--data-dir", str(data_dir), "login"]


async def test_the_page_gives_away_no_secret(tmp_path: Path) -> None:
    async with login_page(tmp_path / "w") as (page, ui):
        assert ui.login_code is not None
        for secret in (TOKEN, ui.login_code, ADMIN_KEY):
            assert secret not in page
