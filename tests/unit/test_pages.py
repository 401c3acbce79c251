"""The learner's screens over a real aiohttp server: login, defences, CSP, words, prompts."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from protocols.consent import VerifierInfo
from protocols.presentation.pending import PendingRequest
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.test_consent_prompt_anoncreds import _prompt
from tests.unit.wallet_site import close_services, make_services, serving
from ui.web.security import SESSION_COOKIE, UiSecrets

SCREENS = [
    "/",
    "/credentials",
    "/credentials/anoncreds:nope",
    "/connections",
    "/offers/nope",
    "/requests/nope",
    "/history",
    "/settings",
]


@pytest.fixture
async def site(tmp_path: Path):
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    async with serving(services) as (server, ui):
        yield server, ui, services
    await close_services(services)
    await admin_api.close()


def _url(server: TestServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


async def _logged_in(server: TestServer, ui: UiSecrets, session: aiohttp.ClientSession) -> str:
    async with session.get(_url(server, f"/login?code={ui.login_code}")) as response:
        assert response.status == 200
    return next(iter(ui.sessions.values()))


async def test_browser_without_session_gets_a_page_that_explains_how_to_log_in(site) -> None:
    server, _, _ = site
    headers = {"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"}
    async with aiohttp.ClientSession() as session:
        async with session.get(_url(server, "/credentials"), headers=headers) as response:
            text = await response.text()
            assert response.status == 401
            assert response.content_type == "text/html"
        async with session.get(_url(server, "/api/credentials")) as api:
            assert api.status == 401
            assert (await api.json())["error"]["code"] == "unauthorized"
    assert "learner-wallet login" in text
    assert 'lang="de"' in text and "Bitte melden Sie sich zuerst an" in text


async def test_login_link_sets_strict_httponly_cookie_and_the_page_carries_csrf(site) -> None:
    server, ui, _ = site
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        url = _url(server, f"/login?code={ui.login_code}")
        async with session.get(url, allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == "/"
            cookie = response.cookies[SESSION_COOKIE]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Strict"
        async with session.get(_url(server, "/")) as home:
            page = await home.text()
    csrf = next(iter(ui.sessions.values()))
    assert f'<meta name="csrf-token" content="{csrf}">' in page


async def test_foreign_host_is_refused_on_pages(site) -> None:
    server, ui, _ = site
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        headers = {"Host": f"rebound.example:{server.port}"}
        async with session.get(_url(server, "/"), headers=headers) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "bad_host"


async def test_state_change_needs_our_origin_and_the_csrf_token(site) -> None:
    server, ui, _ = site
    origin = f"http://127.0.0.1:{server.port}"
    url = _url(server, "/settings/language")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        csrf = await _logged_in(server, ui, session)
        body = {"language": "de"}
        foreign = {"Origin": "http://evil.example", "X-CSRF-Token": csrf}
        async with session.post(url, json=body, headers=foreign) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "bad_origin"
        async with session.post(url, json=body, headers={"Origin": origin}) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "csrf"
        ok = {"Origin": origin, "X-CSRF-Token": csrf}
        async with session.post(url, json={"language": "xx"}, headers=ok) as response:
            assert response.status == 422
            assert (await response.json())["error"]["code"] == "unknown_language"
        async with session.post(url, json=body, headers=ok) as response:
            assert response.status == 200
        async with session.get(_url(server, "/settings")) as response:
            page = await response.text()
    assert '<html lang="de">' in page and "Einstellungen" in page


async def test_every_screen_renders_with_a_strict_csp_and_no_inline_code(site) -> None:
    server, ui, _ = site
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        for path in SCREENS:
            async with session.get(_url(server, path)) as response:
                page = await response.text()
                csp = response.headers["Content-Security-Policy"]
            assert response.content_type == "text/html", path
            assert response.status in (200, 404, 503), (path, response.status, page[:300])
            assert "Traceback" not in page
            assert "default-src 'self'" in csp and "unsafe-inline" not in csp
            assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
            assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), path
            for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
                async with session.get(_url(server, asset)) as static:
                    assert static.status == 200, asset
            assert not re.search(r'(?:src|href)="(?:https?:)?//', page), path


async def test_problems_from_the_api_are_shown_in_words(site) -> None:
    server, ui, _ = site
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        async with session.get(_url(server, "/requests/nope")) as response:
            page = await response.text()
    assert response.status == 404
    assert 'role="alert"' in page and "there is no proof request nope" in page


async def test_consent_prompt_shows_who_asks_values_proofs_and_hide_toggles(site) -> None:
    server, ui, services = site
    prompt = _prompt()
    services.requests.put(
        PendingRequest(
            exchange_id="ex-1",
            state="request-received",
            verifier=prompt.verifier,
            request_name=prompt.purpose.name,
            prompt=prompt,
        )
    )
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        async with session.get(_url(server, "/requests/ex-1")) as response:
            page = await response.text()
        async with session.get(_url(server, "/")) as response:
            home = await response.text()
    assert response.status == 200
    assert prompt.verifier.label in page and "On your trust list" in page
    assert 'data-approve-url="/api/requests/ex-1/approve"' in page
    for item in prompt.items:
        assert f'data-referent="{item.referent}"' in page
        if item.may_hide:
            assert "data-hide" in page
        if item.predicate is not None:
            assert item.predicate.sentence in page
    shared = [s for i in prompt.items for c in i.candidates for s in c.will_see]
    assert shared and all(s.value in page for s in shared)
    assert 'href="/requests/ex-1"' in home


async def test_unknown_verifier_is_called_unknown(site) -> None:
    server, ui, services = site
    prompt = _prompt(verifier_did=None)
    services.requests.put(
        PendingRequest(
            exchange_id="ex-2",
            state="request-received",
            verifier=VerifierInfo(label="Shady Ltd"),
            request_name="Everything",
            prompt=prompt,
        )
    )
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        async with session.get(_url(server, "/requests/ex-2")) as response:
            page = await response.text()
    assert "Not on your trust list" in page and "Shady Ltd" in page
