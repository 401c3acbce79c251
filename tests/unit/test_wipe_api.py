"""Settings → Delete everything (issue #16, point 7): POST /api/wipe and its section.

The real app over a fake admin API. The route only asks the running wallet to stop for the
wipe; the wipe itself (wallet/wipe.py, after a clean stop) runs in the e2e test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from markupsafe import escape

from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services
from ui.web.app import create_app
from ui.web.handover import HANDOVER_KEY, BrowserHandover
from ui.web.i18n import catalogue
from ui.web.security import CSRF_HEADER, UiSecrets


@dataclass
class Site:
    base: str
    ui: UiSecrets
    handover: BrowserHandover | None
    browser: aiohttp.ClientSession  # logged in, sends our Origin

    @property
    def csrf(self) -> str:
        return next(iter(self.ui.sessions.values()))

    async def wipe(self, body: object, **headers: str) -> tuple[int, dict]:
        headers = {CSRF_HEADER: self.csrf, **headers}
        async with self.browser.post(f"{self.base}/api/wipe", json=body, headers=headers) as r:
            return r.status, await r.json()


async def _site(tmp_path: Path, with_handover: bool) -> AsyncIterator[Site]:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    ui = UiSecrets(api_token=TOKEN)
    app = create_app(services, ui)
    handover = BrowserHandover(port=0, sessions=ui.sessions) if with_handover else None
    if handover is not None:
        app[HANDOVER_KEY] = handover
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    ui.port = server.port
    base = f"http://127.0.0.1:{server.port}"
    browser = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Origin": base}
    )
    async with browser.get(f"{base}/login?code={ui.login_code}") as login:
        assert login.status == 200
    try:
        yield Site(base, ui, handover, browser)
    finally:
        await browser.close()
        await server.close()
        await close_services(services)
        await admin_api.close()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async for made in _site(tmp_path, with_handover=True):
        yield made


def _asked(site: Site) -> bool:
    assert site.handover is not None
    return site.handover.wipe_requested or site.handover.stop.is_set()


async def test_the_typed_word_deletes_and_the_wallet_is_asked_to_stop(site: Site) -> None:
    status, body = await site.wipe({"confirm": " delete "})
    assert (status, body) == (202, {"deleting": True})
    assert site.handover is not None and site.handover.wipe_requested
    assert site.handover.stop.is_set()


async def test_the_german_word_counts_too(site: Site) -> None:
    status, _ = await site.wipe({"confirm": "löschen"}, **{"Accept-Language": "de"})
    assert status == 202 and _asked(site)


@pytest.mark.parametrize("typed", ["", "yes", "DELET", "delete everything"])
async def test_without_the_word_nothing_happens(site: Site, typed: str) -> None:
    status, body = await site.wipe({"confirm": typed}, **{"Accept-Language": "de"})
    assert (status, body["error"]["code"]) == (422, "wipe_not_confirmed")
    assert body["error"]["message"] == catalogue("de").text("error.wipe_not_confirmed")
    assert body["error"]["fields"]["confirm"] == catalogue("de").text("field_problem.wipe_confirm")
    assert not _asked(site)


async def test_only_our_own_pages_may_ask(site: Site) -> None:
    status, body = await site.wipe({"confirm": "DELETE"}, Origin="http://evil.example")
    assert (status, body["error"]["code"]) == (403, "bad_origin")
    async with site.browser.post(f"{site.base}/api/wipe", json={"confirm": "DELETE"}) as r:
        assert r.status == 403 and (await r.json())["error"]["code"] == "csrf"
    headers = {"Host": f"evil.example:{site.ui.port}", CSRF_HEADER: site.csrf}
    async with site.browser.post(
        f"{site.base}/api/wipe", json={"confirm": "DELETE"}, headers=headers
    ) as r:
        assert r.status == 403 and (await r.json())["error"]["code"] == "bad_host"
    async with aiohttp.ClientSession() as stranger:
        async with stranger.post(f"{site.base}/api/wipe", json={"confirm": "DELETE"}) as r:
            assert r.status == 401
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        async with stranger.post(
            f"{site.base}/api/wipe", json={"confirm": "DELETE"}, headers=bearer
        ) as r:
            assert r.status == 403 and (await r.json())["error"]["code"] == "wipe_from_page_only"
    assert not _asked(site)


async def test_where_no_one_can_finish_the_wipe_it_is_refused(tmp_path: Path) -> None:
    async for site in _site(tmp_path, with_handover=False):
        status, body = await site.wipe({"confirm": "DELETE"})
        assert (status, body["error"]["code"]) == (409, "wipe_unavailable")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_settings_explains_what_goes_and_what_stays_and_shows_the_word(
    site: Site, language: str
) -> None:
    async with site.browser.get(
        f"{site.base}/settings", headers={"Accept-Language": language}
    ) as page:
        text = await page.text()
    words = catalogue(language)
    assert page.status == 200 and 'id="wipe-form"' in text
    for key in ("wipe.deletes.keys", "wipe.cannot.backups", "wipe.cannot.others"):
        assert str(escape(words.text(key))) in text, key
    assert words.text("wipe.confirm_word") in text
    assert '<script src="/static/wipe.js" defer></script>' in text
