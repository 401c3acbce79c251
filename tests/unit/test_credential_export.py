"""Export to other wallets: the issuer's signed W3C documents leave untouched, AnonCreds never."""

from __future__ import annotations

import html
import io
import json
import logging
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from tests.unit.test_credential_sync import World, world  # noqa: F401  (fixture)
from tests.unit.test_plain_words import code_words
from ui.web import credentials_api
from ui.web.errors import errors_middleware
from ui.web.i18n import LANGUAGE_COOKIE, catalogue
from ui.web.pages.render import render
from ui.web.security import SESSION_COOKIE, UiSecrets, security_middleware
from ui.web.services import SERVICES_KEY
from wallet.credentials.export import safe_file_name

TOKEN = "export-test-token"
SESSION = "export-test-session"
BADGE = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:7f1c2b4e-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:key:z6MkIssuer", "type": ["Profile"], "name": "OLI"},
    "issuanceDate": "2025-07-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:key:z6MkLearner",
        "type": ["AchievementSubject"],
        "achievement": {"id": "urn:a:1", "type": ["Achievement"], "name": "Schweißen: Stufe 1/2"},
    },
    "proof": {
        "type": "Ed25519Signature2020",
        "created": "2025-07-01T00:00:01Z",
        "verificationMethod": "did:key:z6MkIssuer#z6MkIssuer",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22",
    },
}


@pytest.fixture
async def api(world: World) -> AsyncIterator[tuple[TestClient, UiSecrets]]:  # noqa: F811
    world.holder.add_w3c("w1", "Data Literacy", "2025-05-01T00:00:00Z")
    world.holder.add_w3c("w2", "Data Literacy", "2025-06-01T00:00:00Z")  # same title
    world.holder.w3c["ob"] = {"record_id": "ob", "cred_value": BADGE, "proof_types": []}
    world.holder.add_anoncreds("a1", cred_rev_id=None, learner_name="Alice")
    world.holder.add_anoncreds("a2", cred_rev_id=None, learner_name="Alice")
    ui = UiSecrets(api_token=TOKEN, sessions={SESSION: "csrf"})
    app = web.Application(middlewares=[security_middleware(ui), errors_middleware()])
    app[SERVICES_KEY] = type("Services", (), {"credentials": world.credentials})()
    credentials_api.register(app.router)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert client.port is not None
        ui.port = client.port
        yield client, ui


def _auth(language: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Accept-Language": language}


async def test_a_w3c_credential_leaves_as_the_issuer_signed_it(
    api: tuple[TestClient, UiSecrets],
    world: World,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _ = api
    caplog.set_level(logging.DEBUG)
    response = await client.get("/api/credentials/w3c:ob/export", headers=_auth())
    assert response.status == 200, await response.text()
    assert response.content_type == "application/ld+json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="Schweissen-Stufe-1-2.json"'
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    document = json.loads(await response.read())
    assert document == BADGE == world.holder.w3c["ob"]["cred_value"]
    assert document["proof"]["proofValue"] == BADGE["proof"]["proofValue"]  # type: ignore[index]
    assert BADGE["proof"]["proofValue"] not in caplog.text  # type: ignore[index]
    assert "did:key:z6MkLearner" not in caplog.text


@pytest.mark.parametrize("language", ["en", "de"])
async def test_anoncreds_cannot_leave_and_the_learner_is_told_why(
    api: tuple[TestClient, UiSecrets], language: str
) -> None:
    client, _ = api
    response = await client.get("/api/credentials/anoncreds:a1/export", headers=_auth(language))
    assert response.status == 409
    error = (await response.json())["error"]
    words = catalogue(language)
    assert error["code"] == "not_exportable"
    assert error["message"] == words.text("error.not_exportable.anoncreds")
    assert error["hint"] == words.text("error.not_exportable.anoncreds.hint")
    assert not code_words(error["message"]) and not code_words(error["hint"])
    assert ("bound to this wallet" if language == "en" else "an dieses Wallet gebunden") in (
        error["message"]
    )


async def test_unknown_credentials_are_404_in_words(api: tuple[TestClient, UiSecrets]) -> None:
    client, _ = api
    for credential_id in ("w3c:gone", "anoncreds:gone", "nonsense"):
        response = await client.get(f"/api/credentials/{credential_id}/export", headers=_auth())
        assert response.status == 404, credential_id
        error = (await response.json())["error"]
        assert error["code"] == "credential_not_found" and error["message"] and error["hint"]


async def test_the_bulk_zip_holds_exactly_the_w3c_credentials(
    api: tuple[TestClient, UiSecrets],
    world: World,  # noqa: F811
) -> None:
    client, _ = api
    response = await client.get(
        "/api/credentials/export", headers=_auth(), cookies={LANGUAGE_COOKIE: "de"}
    )
    assert response.status == 200, await response.text()
    assert response.content_type == "application/zip"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="credentials-for-other-wallets.zip"'
    )
    assert response.headers["X-Credentials-Left-Out"] == "2"
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    names = archive.namelist()
    assert sorted(names) == sorted(
        ["Data-Literacy.json", "Data-Literacy-2.json", "Schweissen-Stufe-1-2.json", "README.txt"]
    )
    documents = [json.loads(archive.read(name)) for name in names if name.endswith(".json")]
    stored = [record["cred_value"] for record in world.holder.w3c.values()]
    assert sorted(documents, key=json.dumps) == sorted(stored, key=json.dumps)
    assert all("proof" in document for document in documents)
    readme = archive.read("README.txt").decode("utf-8")
    words = catalogue("de")
    assert words.text("export_file.count", n=3) in readme
    assert words.text("export_file.left_out", n=2) in readme


async def test_an_empty_wallet_exports_an_empty_zip(
    api: tuple[TestClient, UiSecrets],
    world: World,  # noqa: F811
) -> None:
    client, _ = api
    world.holder.w3c.clear()
    world.holder.anoncreds.clear()
    response = await client.get("/api/credentials/export", headers=_auth())
    archive = zipfile.ZipFile(io.BytesIO(await response.read()))
    assert archive.namelist() == ["README.txt"]
    assert response.headers["X-Credentials-Left-Out"] == "0"
    assert "not in it" not in archive.read("README.txt").decode()


@pytest.mark.parametrize("path", ["/api/credentials/export", "/api/credentials/w3c:w1/export"])
async def test_exports_need_the_token_or_a_session_from_our_own_pages(
    api: tuple[TestClient, UiSecrets], path: str
) -> None:
    client, _ = api
    response = await client.get(path)
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"
    wrong = await client.get(path, headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    cookies = {SESSION_COOKIE: SESSION}
    ours: Any = await client.get(path, cookies=cookies, headers={"Sec-Fetch-Site": "same-origin"})
    assert ours.status == 200
    for site in ("same-site", "cross-site"):
        other = await client.get(path, cookies=cookies, headers={"Sec-Fetch-Site": site})
        assert other.status == 403, site
        assert (await other.json())["error"]["code"] == "bad_origin"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Data Literacy", "Data-Literacy.json"),
        ("../../etc/passwd", "etc-passwd.json"),
        ('a"b\\c\r\nd', "a-b-c-d.json"),
        ("数据", "credential.json"),
        ("CON", "credential-CON.json"),
        ("x" * 300, "x" * 80 + ".json"),
        ("Ünïcödé – Kurs", "Unicode-Kurs.json"),
    ],
)
def test_file_names_are_plain_and_safe(title: str, name: str) -> None:
    assert safe_file_name(title) == name


def _page(template: str, language: str, **context: Any) -> str:
    request = make_mocked_request("GET", "/credentials", headers={"Accept-Language": language})
    response = render(request, template, **context)
    assert response.text is not None
    return html.unescape(response.text)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_screens_offer_the_copy_or_say_why_not(language: str) -> None:
    words = catalogue(language)
    answer = type("Answer", (), {"ok": True, "problem": None})()
    card = {"id": "w3c:ob", "format": "w3c", "title": "Welding", "status": "valid"}
    page = _page("credential.html", language, answer=answer, card=card, raw="{}")
    assert '<a href="/api/credentials/w3c%3Aob/export" download>' in page
    assert words.text("credential.export") in page
    assert words.text("credential.export_bound") not in page
    card = {"id": "anoncreds:a1", "format": "anoncreds", "title": "Course", "status": "valid"}
    page = _page("credential.html", language, answer=answer, card=card, raw="{}")
    assert "/export" not in page and words.text("credential.export") not in page
    assert words.text("credential.export_bound") in page
    assert not code_words(words.text("credential.export_bound"))
    listing = _page(
        "credentials.html", language, answer=answer, cards=[card], total=1, more=False,
        page=1, query="", wanted_format="", formats=("anoncreds", "w3c"),
    )  # fmt: skip
    assert '<a href="/api/credentials/export" download>' in listing
    assert words.text("credentials.export_all") in listing
