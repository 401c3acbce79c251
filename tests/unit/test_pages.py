"""The learner's screens over a real aiohttp server: login, defences, CSP, words, prompts."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from protocols.consent import VerifierInfo
from protocols.presentation.pending import PendingRequest
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.test_consent_prompt_anoncreds import _prompt
from tests.unit.test_consent_purpose import _dif_prompt
from tests.unit.wallet_site import close_services, make_services, serving
from ui.web.i18n import catalogue
from ui.web.pages.render import environment
from ui.web.security import SESSION_COOKIE, UiSecrets
from wallet.credentials.models import StoredCredential
from wallet.credentials.sync import stored_credentials
from wallet.history import History, HistoryEntry, HistoryVerifier

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
    server, _, services = site
    headers = {"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9"}
    async with aiohttp.ClientSession() as session:
        async with session.get(_url(server, "/credentials"), headers=headers) as response:
            text = await response.text()
            assert response.status == 401
            assert response.content_type == "text/html"
        async with session.get(_url(server, "/api/credentials")) as api:
            assert api.status == 401
            assert (await api.json())["error"]["code"] == "unauthorized"
    assert f"learner-wallet --data-dir {services.data_dir.root} login</code>" in text
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
    assert 'role="alert"' in page and "This request for your information does not exist." in page
    assert "/api/" not in page.split("<main")[1]


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


async def test_home_s_recent_activity_names_credentials_received_among_what_was_shared(
    tmp_path: Path,
) -> None:
    """Received credentials (newest received first, whatever their issue date) and history
    entries, merged by time, at most five; each credential named with who issued it."""
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path)
    assert services.store is not None
    index = stored_credentials(services).index
    start = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    await index.put_many(
        [
            StoredCredential(
                id=f"w3c:old-{hour}",
                format="w3c",
                title=f"Badge {hour}",
                issuer_label="Badge Factory",
                issued=start + timedelta(hours=hour),
                received=start + timedelta(hours=hour),
            )
            for hour in range(6)
        ]
    )
    # Issued long ago, received last: a list by issue date would put it at the bottom.
    await index.put(
        StoredCredential(
            id="anoncreds:course",
            format="anoncreds",
            title="Course result",
            issuer_label="Open Learning Institute",
            issued=datetime(2019, 1, 1, tzinfo=UTC),
            received=start + timedelta(hours=10),
        )
    )
    await index.put(
        StoredCredential(id="w3c:nameless", format="w3c", title="Unsigned note",
                         received=start + timedelta(hours=8))
    )  # fmt: skip
    history = History(services.store)
    employer = HistoryVerifier(label="Employer Ltd")
    for hour, outcome in ((7, "approved"), (9, "declined")):
        await history.add(
            HistoryEntry(
                exchange_id=f"ex-{hour}",
                at=start + timedelta(hours=hour),
                outcome=outcome,
                verifier=employer,
                request_name="Course passed",
            )
        )
    try:
        async with serving(services) as (server, ui):
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
                await _logged_in(server, ui, session)
                async with session.get(_url(server, "/")) as response:
                    assert response.status == 200
                    page = await response.text()
                headers = {"Accept-Language": "de"}
                async with session.get(_url(server, "/"), headers=headers) as response:
                    german = await response.text()
    finally:
        await close_services(services)
        await admin_api.close()
    recent = page.split('data-live-part="recent"', 1)[1]
    headings = [
        re.sub(r"<[^>]+>", "", heading).strip()
        for heading in re.findall(r"<h3>(.*?)</h3>", recent, re.S)
    ]
    assert headings == [
        "Received Course result from Open Learning Institute",
        "Declined a request from Employer Ltd",
        "Received Unsigned note",
        "Shared with Employer Ltd",
        "Received Badge 5 from Badge Factory",
    ]
    assert '<a href="/credentials/anoncreds%3Acourse">' in recent
    assert "Nothing received or shared yet" not in page
    assert "Course result von Open Learning Institute erhalten" in german


async def test_home_with_nothing_received_or_shared_says_so(tmp_path: Path) -> None:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path)
    try:
        async with serving(services) as (server, ui):
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
                await _logged_in(server, ui, session)
                async with session.get(_url(server, "/")) as response:
                    page = await response.text()
    finally:
        await close_services(services)
        await admin_api.close()
    assert "Nothing received or shared yet." in page


async def test_consent_says_why_they_ask_with_the_name_as_heading_and_the_purpose_once(
    site,
) -> None:
    server, ui, services = site
    repeated = _dif_prompt(
        "Course and completion date",
        "We check which course you completed and when.",
        "We check which course you completed and when",
    )
    extra = _dif_prompt("Degree check", "Hiring", "For the junior analyst job")
    for exchange_id, prompt in (("ex-rep", repeated), ("ex-extra", extra)):
        services.requests.put(
            PendingRequest(
                exchange_id=exchange_id,
                state="request-received",
                verifier=prompt.verifier,
                request_name=prompt.purpose.name,
                prompt=prompt.model_copy(update={"exchange_id": exchange_id}),
            )
        )
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        async with session.get(_url(server, "/requests/ex-rep")) as response:
            page = await response.text()
        async with session.get(_url(server, "/requests/ex-extra")) as response:
            other = await response.text()
    why = page.split("data-why", 1)[1].split("</section>", 1)[0]
    assert '<h2 id="why">Why they ask</h2>' in why
    assert "<h3 data-request-name>Course and completion date</h3>" in why
    assert why.count("which course you completed") == 1
    assert "data-request-comment" not in why
    why = other.split("data-why", 1)[1].split("</section>", 1)[0]
    assert "<h3 data-request-name>Degree check</h3>" in why
    assert "<p data-request-purpose>Hiring</p>" in why
    assert "<p data-request-comment>For the junior analyst job</p>" in why


async def test_consent_words_are_in_the_learner_s_language(site) -> None:
    """Predicates, the hide warning and the over-asking warning come from the catalogue."""
    server, ui, services = site
    prompt = _prompt()
    services.requests.put(
        PendingRequest(
            exchange_id="ex-de",
            state="request-received",
            verifier=prompt.verifier,
            request_name=prompt.purpose.name,
            prompt=prompt.model_copy(update={"exchange_id": "ex-de"}),
        )
    )
    headers = {"Accept-Language": "de"}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await _logged_in(server, ui, session)
        async with session.get(_url(server, "/requests/ex-de"), headers=headers) as response:
            page = await response.text()
    assert "Ihr Wert „Punktzahl“ ist mindestens 70; der Wert selbst wird nicht geteilt" in page
    assert "is at least" not in page
    assert "ohne den Wert zu zeigen" in page and "without revealing" not in page


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_demo_panel_says_where_things_are_from_where_the_learner_is(language: str) -> None:
    words = catalogue(language)
    panel = environment().get_template("demo_panel.html")

    def shown(path: str) -> str:
        return html.unescape(panel.render(t=words.text, path=path))

    offers, requests = words.text("home.offers"), words.text("home.requests")
    home_page = words.text("demo.go_home")
    on_home = shown("/")
    assert words.text("demo.step2.text.home", section=offers) in on_home
    assert words.text("demo.step2.done.home", section=offers) in on_home
    assert words.text("demo.step3.done.home", section=requests) in on_home
    assert "data-home-link" not in on_home and home_page not in on_home
    for text in (on_home, shown("/credentials")):
        assert text.count("<details open>") == (1 if text is on_home else 0)
    for path in ("/credentials", "/history", "/requests/ex-1"):
        away = shown(path)
        assert words.text("demo.step2.text.away") in away
        assert f'<a href="/">{home_page}</a>' in away
        assert f'data-home-link="{home_page}"' in away
        assert words.text("demo.step2.done.away") in away and offers not in away
    connections = shown("/connections")
    section = words.text("connections.add")
    assert words.text("demo.step1.text.connections", section=section) in connections
    assert words.text("demo.step1.text.away") not in connections
