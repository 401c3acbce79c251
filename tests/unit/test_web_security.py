"""The local UI's defences (DESIGN §8), against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.security import SESSION_COOKIE


@pytest.fixture
async def ui_server(tmp_path: Path):
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    async with serving(services) as (server, ui):
        yield server, ui
    await close_services(services)
    await admin_api.close()


def _url(server: TestServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


async def test_api_without_token_is_401_json(ui_server) -> None:
    server, _ = ui_server
    async with aiohttp.ClientSession() as session, session.get(_url(server, "/api/status")) as r:
        body = await r.json()
    assert r.status == 401
    assert body["error"]["code"] == "unauthorized"
    assert "ui-token" in body["error"]["hint"]


async def test_api_with_wrong_token_is_401(ui_server) -> None:
    server, _ = ui_server
    headers = {"Authorization": "Bearer nope"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(_url(server, "/api/status")) as response:
            assert response.status == 401


async def test_api_with_token_answers_status(ui_server) -> None:
    server, _ = ui_server
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(_url(server, "/api/status")) as response:
            body = await response.json()
            csp = response.headers["Content-Security-Policy"]
    assert response.status == 200
    assert body["wallet_name"] == "w"
    assert body["ready"] is False  # the agent was never started
    assert body["agent_state"] == "stopped"
    assert "default-src 'self'" in csp


async def test_foreign_host_is_403_even_with_token(ui_server) -> None:
    server, _ = ui_server
    headers = {"Authorization": f"Bearer {TOKEN}", "Host": f"evil.example:{server.port}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(_url(server, "/api/status"), headers=headers) as response:
            body = await response.json()
    assert response.status == 403
    assert body["error"]["code"] == "bad_host"


async def test_foreign_origin_is_403(ui_server) -> None:
    server, _ = ui_server
    headers = {"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"}
    async with aiohttp.ClientSession() as session:
        async with session.post(_url(server, "/api/session/login-link"), headers=headers) as r:
            assert r.status == 403
            assert (await r.json())["error"]["code"] == "bad_origin"


async def test_login_code_works_once_and_sets_a_strict_httponly_cookie(ui_server) -> None:
    server, ui = ui_server
    code = ui.login_code
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(_url(server, f"/login?code={code}"), allow_redirects=False) as r:
            assert r.status == 303
            cookie = r.cookies[SESSION_COOKIE]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Strict"
        async with session.get(_url(server, "/api/status")) as response:
            assert response.status == 200
        async with session.get(_url(server, f"/login?code={code}")) as again:
            assert again.status == 401
            assert "used up" in await again.text()


async def test_cookie_session_needs_csrf_token_and_origin_to_change_state(ui_server) -> None:
    server, ui = ui_server
    jar = aiohttp.CookieJar(unsafe=True)
    origin = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await session.get(_url(server, f"/login?code={ui.login_code}"))
        csrf = next(iter(ui.sessions.values()))
        url = _url(server, "/api/session/login-link")
        async with session.post(url, headers={"Origin": origin}) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "csrf"
        async with session.post(url, headers={"X-CSRF-Token": csrf}) as response:
            assert response.status == 403  # no Origin: not from our page
        headers = {"Origin": origin, "X-CSRF-Token": csrf}
        async with session.post(url, headers=headers) as response:
            # past the CSRF check; login links are for the API token only
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "token_required"


async def test_token_can_mint_a_new_login_link(ui_server) -> None:
    server, ui = ui_server
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(_url(server, "/api/session/login-link")) as response:
            body = await response.json()
    assert body["login_url"].endswith(f"/login?code={ui.login_code}")
    assert body["login_url"].startswith("http://127.0.0.1:")
