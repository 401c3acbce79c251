"""The stacks API and screens (issue #18 point 3) in the real web app: shapes, precise error
codes, the browser session's CSRF and origin checks. ACA-Py's admin API is faked at the HTTP
boundary (the stacks never ask it); the credential index is real, in a real Askar store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from protocols.wallet_services import WalletServices
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.test_stacks import ESCO_PYTHON, held_badges
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.i18n import catalogue
from ui.web.pages.render import environment
from ui.web.pages.stacks import drawn_on
from ui.web.security import UiSecrets
from wallet.credentials.sync import stored_credentials

API = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[TestServer, UiSecrets, WalletServices]]:
    admin = FakeAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path)
    await stored_credentials(services).index.put_many(held_badges(revoked=False))
    async with serving(services) as (server, ui):
        yield server, ui, services
    await close_services(services)
    await admin.close()


async def call(
    server: TestServer, method: str, path: str, body: Any = None, status: int = 200
) -> Any:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, json=body, headers=API) as response:
            answer = await response.json(content_type=None)
            assert response.status == status, answer
            return answer


async def page(server: TestServer, path: str, status: int = 200) -> str:
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{server.port}{path}"
        async with session.get(url, headers={**API, "Accept-Language": "de"}) as response:
            assert response.status == status
            return await response.text()


async def test_list_and_one_stack_with_parts_and_totals(site) -> None:
    server, _, _ = site
    stacks = (await call(server, "GET", "/api/stacks"))["stacks"]
    assert [(s["kind"], s["name"]) for s in stacks] == [
        ("skill", "analyse data"),  # as many parts as the next: by name
        ("skill", "use Python"),
        ("issuer", "Example University"),
    ]
    python = await call(server, "GET", f"/api/stacks/{stacks[1]['id']}")
    assert [p["id"] for p in python["parts"]] == ["w3c:sql", "w3c:py"]
    assert python["totals"]["credit_points"] == 7.5 and python["skill"]["esco"] is True
    error = (await call(server, "GET", "/api/stacks/skill-nonsense", status=404))["error"]
    assert error["code"] == "stack_not_found" and error["message"] and error["hint"]


async def test_a_collection_from_creation_to_deletion(site) -> None:
    server, _, services = site
    async with services.bus.subscribe() as events:
        await _collection_lifecycle(server)
        topics = [events.get_nowait().topic for _ in range(events.qsize())]
    # Each change that landed (create, add, order, rename, take out, delete) tells the backups.
    assert topics.count("collections_changed") == 6, topics


async def _collection_lifecycle(server: TestServer) -> None:
    made = await call(
        server,
        "POST",
        "/api/stacks/collections",
        {"name": "My data analysis pathway", "credential_ids": ["w3c:py"]},
        status=201,
    )
    path = f"/api/stacks/collections/{made['id']}"
    assert (made["kind"], made["totals"]["credit_points"]) == ("collection", 5.0)
    added = await call(server, "POST", f"{path}/parts", {"credential_ids": ["w3c:sql", "w3c:viz"]})
    assert [p["id"] for p in added["parts"]] == ["w3c:py", "w3c:sql", "w3c:viz"]
    assert (added["totals"]["credit_points"], added["totals"]["hours"]) == (7.5, 40.0)
    assert added["totals"]["without_workload"] == 1
    order = ["w3c:viz", "w3c:py", "w3c:sql"]
    moved = await call(server, "PUT", f"{path}/order", {"credential_ids": order})
    assert [p["id"] for p in moved["parts"]] == order
    stale = await call(server, "PUT", f"{path}/order", {"credential_ids": order[:2]}, status=409)
    assert stale["error"]["code"] == "collection_changed" and stale["error"]["hint"]
    error = (await call(server, "PUT", f"{path}/order", {"order": order}, status=422))["error"]
    assert error["code"] == "invalid_body"
    renamed = await call(server, "PATCH", path, {"name": "Datenanalyse"})
    assert renamed["name"] == "Datenanalyse"
    left = await call(server, "DELETE", f"{path}/parts/{quote('w3c:viz', safe='')}")
    assert [p["id"] for p in left["parts"]] == ["w3c:py", "w3c:sql"]
    listed = (await call(server, "GET", "/api/stacks"))["stacks"]
    assert (listed[0]["id"], listed[0]["totals"]["parts"]) == (made["id"], 2)
    assert (await call(server, "DELETE", path))["deleted"] == made["id"]
    error = (await call(server, "DELETE", path, status=404))["error"]
    assert error["code"] == "collection_not_found"
    error = (await call(server, "GET", f"/api/stacks/{made['id']}", status=404))["error"]
    assert error["code"] == "stack_not_found"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/api/stacks/collections", {"name": "  "}, 422, "collection_name_invalid"),
        ("POST", "/api/stacks/collections", {"name": "x" * 81}, 422, "collection_name_invalid"),
        ("POST", "/api/stacks/collections", {"name": 5}, 422, "invalid_body"),
        ("POST", "/api/stacks/collections", {"name": "A", "extra": 1}, 422, "invalid_body"),
        ("POST", "/api/stacks/collections", {"name": "A", "credential_ids": ["w3c:nope"]},
         404, "credential_not_found"),
        ("POST", "/api/stacks/collections", None, 422, "invalid_body"),
        ("PATCH", "/api/stacks/collections/collection-x", {"name": "A"}, 404,
         "collection_not_found"),
        ("POST", "/api/stacks/collections/collection-" + "0" * 32 + "/parts",
         {"credential_ids": ["w3c:py"]}, 404, "collection_not_found"),
        ("GET", "/api/stacks/selection", None, 400, "bad_parameter"),
        ("GET", "/api/stacks/selection?credential=w3c:py&other=1", None, 400, "bad_parameter"),
    ],
)  # fmt: skip
async def test_bad_input_gets_a_precise_code(site, method, path, body, status, code) -> None:
    server, _, _ = site
    error = (await call(server, method, path, body, status=status))["error"]
    assert error["code"] == code and error["message"] and error["hint"]


async def test_parts_errors_name_what_is_wrong(site) -> None:
    server, _, _ = site
    made = await call(server, "POST", "/api/stacks/collections", {"name": "P"}, status=201)
    path = f"/api/stacks/collections/{made['id']}/parts"
    for body in ({"credential_ids": []}, {"credential_ids": "w3c:py"}, {}):
        assert (await call(server, "POST", path, body, status=422))["error"]["code"] == (
            "invalid_body"
        )
    error = await call(server, "POST", path, {"credential_ids": ["w3c:gone"]}, status=404)
    assert error["error"]["code"] == "credential_not_found"
    error = (await call(server, "DELETE", f"{path}/w3c%3Apy", status=404))["error"]
    assert error["code"] == "stack_part_not_found"
    invalid = await call(server, "PATCH", f"/api/stacks/collections/{made['id']}",
                         {"name": "a\u0007b"}, status=422)  # fmt: skip
    assert invalid["error"]["message"] == "The name contains characters that cannot be shown."


async def test_the_selection_is_the_stack_a_request_draws_on(site) -> None:
    server, _, _ = site
    stack = await call(
        server, "GET", "/api/stacks/selection?credential=w3c:sql&credential=w3c:weld&credential=x"
    )
    assert [p["id"] for p in stack["parts"]] == ["w3c:sql", "w3c:weld"]
    assert (stack["totals"]["credit_points"], stack["totals"]["hours"]) == (2.5, 160.0)


async def test_a_browser_session_needs_our_origin_and_the_csrf_token(site) -> None:
    server, ui, _ = site
    base = f"http://127.0.0.1:{server.port}"
    url = f"{base}/api/stacks/collections"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await session.get(f"{base}/login?code={ui.login_code}")
        csrf = next(iter(ui.sessions.values()))
        for headers, code in (
            ({"Origin": base}, "csrf"),
            ({"Origin": "http://evil.example", "X-CSRF-Token": csrf}, "bad_origin"),
        ):
            async with session.post(url, json={"name": "X"}, headers=headers) as response:
                assert response.status == 403
                assert (await response.json())["error"]["code"] == code
        assert (await call(server, "GET", "/api/stacks"))["stacks"][0]["kind"] != "collection"
        headers = {"Origin": base, "X-CSRF-Token": csrf}
        async with session.post(url, json={"name": "X"}, headers=headers) as response:
            assert response.status == 201


async def test_the_screens_show_stacks_totals_and_collection_controls_in_german(site) -> None:
    server, _, _ = site
    made = await call(
        server,
        "POST",
        "/api/stacks/collections",
        {"name": "Mein Weg", "credential_ids": ["w3c:py", "w3c:sql", "w3c:viz"]},
        status=201,
    )
    html = await page(server, "/stacks")
    assert "Ihre Stapel" in html and "Mein Weg" in html and "Fähigkeit (ESCO)" in html
    assert "7,5 Leistungspunkte" in html and ESCO_PYTHON not in html  # links: details only
    html = await page(server, f"/stacks/{made['id']}")
    assert "1 Nachweis sagt nicht" in html and "40 Stunden" in html
    assert 'id="rename-collection-form"' in html and 'id="delete-collection-confirm"' in html
    assert html.count('class="stack-remove"') == 3
    assert html.count('data-move="-1"') == html.count('data-move="1"') == 2  # not past the ends
    html = await page(server, f"/stacks/{made['id']}/add")
    assert "Welding" in html and "Python basics" not in html  # only what is not in it yet
    html = await page(server, "/stacks/collect?credential=w3c%3Aweld")
    assert "„Welding“ zu einer Sammlung hinzufügen" in html and "Mein Weg" in html
    python = (await call(server, "GET", "/api/stacks"))["stacks"][2]
    assert python["name"] == "use Python"
    html = await page(server, f"/stacks/{python['id']}")
    assert ESCO_PYTHON in html.split("<details", 1)[1]  # under technical details only
    assert ESCO_PYTHON not in html.split("<details", 1)[0]
    assert 'id="rename-collection-form"' not in html
    await page(server, "/stacks/skill-nonsense", status=404)
    await page(server, "/stacks/collect?credential=w3c%3Anope", status=404)


async def test_the_consent_screen_s_stack_is_drawn_again_for_new_choices(site) -> None:
    server, _, _ = site
    html = await page(server, "/stacks/drawn?credential=w3c:sql&credential=w3c:weld")
    assert html.count("data-drawn=") == 2
    assert "Diese Anfrage greift auf 2 Ihrer Nachweise zu" in html
    assert "2,5 Leistungspunkte" in html and "160 Stunden" in html
    for one in ("credential=w3c:sql", "credential=w3c:sql&credential=w3c:sql", ""):
        assert "data-drawn=" not in await page(server, f"/stacks/drawn?{one}")


def test_a_request_draws_on_the_default_choice_of_each_included_item() -> None:
    def candidate(acapy_id: str, usable: bool = True) -> dict[str, Any]:
        return {"credential_id": acapy_id, "stored_id": f"w3c:{acapy_id}", "usable": usable}

    prompt = {
        "items": [
            {"required": True, "default_credential_id": "b",
             "candidates": [candidate("a"), candidate("b")]},
            {"required": True, "default_credential_id": None,
             "candidates": [candidate("x", usable=False), candidate("c")]},
            {"required": False, "default_credential_id": None, "candidates": [candidate("d")]},
            {"required": True, "default_credential_id": "b", "candidates": [candidate("b")]},
            {"required": True, "candidates": []},
        ]
    }  # fmt: skip
    assert drawn_on(prompt) == ["w3c:b", "w3c:c"]
    assert drawn_on(None) == [] and drawn_on({"items": "nonsense"}) == []


def test_the_picker_a_credential_page_includes_leads_to_its_collections() -> None:
    picker = environment().get_template("stack_picker.html")
    html = picker.render(t=catalogue("de").text, card={"id": "w3c:a/b c"})
    assert 'href="/stacks/collect?credential=w3c%3Aa/b%20c"' in html  # a "/" may stay in a query
    assert "Zu einer Sammlung hinzufügen" in html
