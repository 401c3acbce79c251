"""POST /api/credentials/import(/check) against a fake ACA-Py at the HTTP boundary and a
real Askar store: previews store nothing, imports are indexed and noted, refusals change
nothing and are told in plain words."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.events import EventBus
from protocols.consent import TrustEntry, TrustList
from tests.unit.test_credential_import_parsing import BADGE, CREDENTIALS_V1, ED25519_2020, ISSUER
from tests.unit.test_plain_words import code_words
from ui.web import credentials_api
from ui.web.errors import errors_middleware
from ui.web.i18n import catalogue
from ui.web.pages.overview import recent_activity
from ui.web.security import SESSION_COOKIE, UiSecrets, security_middleware
from ui.web.services import SERVICES_KEY
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialSearch
from wallet.credentials.stored import STORED_TOPIC, StoredCredentials
from wallet.history import History

KEY = "import-key"
TOKEN = "import-token"
SESSION = "import-session"
CSRF = "import-csrf"
MICRO = {
    "@context": [CREDENTIALS_V1, "https://learner-wallet.example/contexts/microcredential/v1"],
    "type": ["VerifiableCredential", "MicroCredential"],
    "issuer": ISSUER,
    "issuanceDate": "2019-01-01T00:00:00Z",
    "expirationDate": "2020-01-01T00:00:00Z",
    "credentialSubject": {"courseTitle": "Old Course", "score": 61},
    "proof": {**BADGE["proof"], "proofValue": "z-old-course-signature"},
}  # no id: found again by its signature


class FakeAgent:
    """The learner's ACA-Py as import uses it: verify (a proof holds for the documents this
    fake "signed"), store, read, list by given_id or issuer, and the bundled contexts."""

    def __init__(self) -> None:
        self.signed: list[dict[str, Any]] = [BADGE, MICRO]
        self.stored: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.server: TestServer | None = None

    async def start(self) -> str:
        app = web.Application(middlewares=[self._key])
        app.router.add_post("/vc/credentials/verify", self._verify)
        app.router.add_post("/vc/credentials/store", self._store)
        app.router.add_get("/credential/w3c/{id}", self._one)
        app.router.add_post("/credentials/w3c", self._list)
        app.router.add_get("/learner-wallet/jsonld-contexts", self._contexts)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return str(self.server.make_url("")).rstrip("/")

    @web.middleware
    async def _key(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls.append(f"{request.method} {request.path}")
        assert request.headers.get("x-api-key") == KEY
        return await handler(request)

    async def _verify(self, request: web.Request) -> web.Response:
        document = (await request.json())["verifiableCredential"]
        if document in self.signed:
            return web.json_response({"verified": True, "document": document, "errors": []})
        quoted = {key: value for key, value in document.items() if key != "proof"}
        error = f"Invalid signature on document {quoted}"
        return web.json_response({"verified": False, "document": document, "errors": [error]})

    async def _store(self, request: web.Request) -> web.Response:
        body = await request.json()
        assert body["options"] == {"skipVerification": True}
        document = body["verifiableCredential"]
        record_id = document.get("id") or f"urn:uuid:stored-{len(self.stored)}"
        if record_id in self.stored:
            return web.json_response({"message": f"Duplicate record: vc_cred/{record_id}"}, 400)
        self.stored[record_id] = {
            "record_id": record_id,
            "cred_value": document,
            "issuer_id": document["issuer"]["id"]
            if isinstance(document["issuer"], dict)
            else document["issuer"],
            "given_id": document.get("id"),
            "proof_types": [document["proof"]["type"]],
        }
        return web.json_response({"credentialId": record_id})

    async def _one(self, request: web.Request) -> web.Response:
        found = self.stored.get(request.match_info["id"])
        return web.json_response(found) if found else web.json_response({}, status=404)

    async def _list(self, request: web.Request) -> web.Response:
        query = await request.json()
        asked = {key: query[key] for key in ("given_id", "issuer_id") if key in query}
        found = [
            record
            for record in self.stored.values()
            if all(record.get(key) == value for key, value in asked.items())
        ]
        return web.json_response({"results": found})

    async def _contexts(self, request: web.Request) -> web.Response:
        urls = [CREDENTIALS_V1, ED25519_2020, *BADGE["@context"], *MICRO["@context"]]
        return web.json_response({"urls": sorted(set(urls))})


@dataclass
class Services:
    client: AdminClient
    credentials: StoredCredentials
    store: Any
    trust: TrustList
    bus: EventBus


@dataclass
class Site:
    client: TestClient
    agent: FakeAgent
    services: Services


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    agent = FakeAgent()
    admin = AdminClient(await agent.start(), KEY)
    store = await Store.provision(f"sqlite://{tmp_path}/c.db", "raw", Store.generate_raw_key())
    bus = EventBus()
    trust = TrustList(entries=[TrustEntry(did=ISSUER, name="Open Learning Institute (listed)")])
    credentials = StoredCredentials(admin, CredentialIndex(store), bus)
    services = Services(admin, credentials, type("Ctl", (), {"store": store})(), trust, bus)
    ui = UiSecrets(api_token=TOKEN, sessions={SESSION: CSRF})
    app = web.Application(middlewares=[security_middleware(ui), errors_middleware()])
    app[SERVICES_KEY] = services  # type: ignore[misc]
    credentials_api.register(app.router)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        assert client.port is not None
        ui.port = client.port
        yield Site(client, agent, services)
    await admin.close()
    await store.close()
    assert agent.server is not None
    await agent.server.close()


def _auth(language: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Accept-Language": language}


async def _post(site: Site, path: str, document: Any, language: str = "en") -> tuple[int, Any]:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    response = await site.client.post(path, data=body, headers=_auth(language))
    return response.status, await response.json()


async def _held(site: Site) -> list[str]:
    page = await site.services.credentials.search(CredentialSearch())
    return [item.id for item in page.items]


CHECK = "/api/credentials/import/check"
IMPORT = "/api/credentials/import"


async def test_a_check_previews_the_badge_and_stores_nothing(site: Site) -> None:
    status, answer = await _post(site, CHECK, BADGE)
    assert status == 200, answer
    assert (answer["ready"], answer["stored"], answer["refused"]) == (1, 0, 0)
    item = answer["items"][0]
    assert item["status"] == "ready" and item["issuer_trusted"] is True
    preview = item["credential"]
    assert preview["title"] == "Welding 1"
    assert preview["issuer_label"] == "Open Learning Institute (listed)"
    assert preview["attributes"]["achievement.name"] == "Welding 1"
    shown = {field["label"]: field["value"] for field in item["fields"]}
    assert shown["Achievement"] == "Welding 1" and "achievement.name" not in shown
    assert preview["raw"] is None
    assert site.agent.stored == {} and await _held(site) == []


async def test_an_issuer_off_the_trust_list_keeps_its_own_name_and_is_marked(site: Site) -> None:
    site.services.trust = TrustList()
    status, answer = await _post(site, CHECK, BADGE)
    assert status == 200
    item = answer["items"][0]
    assert item["issuer_trusted"] is False
    assert item["credential"]["issuer_label"] == "Open Learning Institute"


async def test_an_import_is_stored_indexed_noted_and_announced_once(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with site.services.bus.subscribe() as events:
        status, answer = await _post(site, IMPORT, BADGE)
        assert status == 201, answer
        event = events.get_nowait()
    credential_id = f"w3c:{BADGE['id']}"
    assert answer["credential_ids"] == [credential_id]
    assert event.topic == STORED_TOPIC and event.payload["credential_id"] == credential_id
    assert await _held(site) == [credential_id]
    indexed = await site.services.credentials.index.get(credential_id)
    assert indexed is not None and indexed.issuer_label == "Open Learning Institute (listed)"
    assert indexed.received is not None
    entries = (await History(site.services.store).page()).entries
    assert [(e.kind, e.request_name, e.verifier.label) for e in entries] == [
        ("imported", "Welding 1", "Open Learning Institute (listed)")
    ]
    assert "Welding 1" not in caplog.text  # no credential values in the log
    status, again = await _post(site, IMPORT, BADGE)
    assert status == 409 and again["error"]["code"] == "already_in_wallet"
    status, checked = await _post(site, CHECK, BADGE)
    assert status == 409 and checked["error"]["code"] == "already_in_wallet"
    assert len(site.agent.stored) == 1 and await _held(site) == [credential_id]


async def test_an_expired_credential_without_id_is_kept_as_expired_and_found_by_signature(
    site: Site,
) -> None:
    status, answer = await _post(site, IMPORT, MICRO)
    assert status == 201, answer
    (credential_id,) = answer["credential_ids"]
    page = await site.services.credentials.search(CredentialSearch())
    assert [(item.id, item.status) for item in page.items] == [(credential_id, "expired")]
    status, again = await _post(site, IMPORT, MICRO)
    assert status == 409, again
    assert again["error"]["detail"] == credential_id
    assert len(site.agent.stored) == 1


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_tampered_copy_is_refused_in_plain_words_and_nothing_changes(
    site: Site, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tampered = copy.deepcopy(BADGE)
    tampered["credentialSubject"]["achievement"]["name"] = "Welding 3 (master)"
    for path in (CHECK, IMPORT):
        status, answer = await _post(site, path, tampered, language)
        assert status == 422, answer
        error = answer["error"]
        assert error["code"] == "import_refused"
        words = catalogue(language)
        assert error["message"] == words.text("error.import_refused.tampered")
        assert error["hint"] == words.text("error.import_refused.tampered.hint")
        assert not code_words(error["message"]) and not code_words(error["hint"])
        assert error["detail"] == "Invalid signature"  # ACA-Py's quote of the claims is cut
    assert site.agent.stored == {} and await _held(site) == []
    assert "Welding 3" not in caplog.text


@pytest.mark.parametrize(
    ("content", "status", "code", "reason"),
    [
        (b"", 422, "import_refused", "not_json"),
        (b"%PDF-1.7 a certificate", 422, "import_refused", "not_json"),
        (b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln", 422, "import_refused", "jwt"),
        (json.dumps({"name": "notes"}).encode(), 422, "import_refused", "not_credential"),
        (json.dumps({**BADGE, "proof": None}).encode(), 422, "import_refused", "no_proof"),
        (b" " * (1024 * 1024 + 1), 413, "import_too_large", None),
    ],
)
async def test_files_that_are_no_credential_are_refused_with_the_reason(
    site: Site, content: bytes, status: int, code: str, reason: str | None
) -> None:
    for path in (CHECK, IMPORT):
        got, answer = await _post(site, path, content)
        assert got == status, answer
        error = answer["error"]
        assert error["code"] == code
        key = f"error.{code}" + (f".{reason}" if reason else "")
        assert error["message"] == catalogue("en").text(key)
    assert site.agent.stored == {}
    assert not any("/vc/credentials/store" in call for call in site.agent.calls)


async def test_what_cannot_be_checked_offline_never_reaches_the_agent(site: Site) -> None:
    did_web = copy.deepcopy(BADGE)
    did_web["proof"]["verificationMethod"] = "did:web:badges.example#key-1"
    unknown = copy.deepcopy(BADGE)
    unknown["@context"].append("https://registrar.example/contexts/v1")
    for document, reason in ((did_web, "key_not_offline"), (unknown, "unknown_vocabulary")):
        status, answer = await _post(site, CHECK, document)
        assert status == 422 and answer["error"]["message"] == catalogue("en").text(
            f"error.import_refused.{reason}"
        )
    assert not any("/vc/credentials/verify" in call for call in site.agent.calls)


async def test_a_presentation_stores_what_verifies_and_reports_each_credential(
    site: Site,
) -> None:
    tampered = copy.deepcopy(BADGE)
    tampered["id"] = "urn:uuid:tampered"
    presentation = {
        "@context": [CREDENTIALS_V1],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [BADGE, tampered, BADGE],
    }
    status, answer = await _post(site, IMPORT, presentation, "de")
    assert status == 201, answer
    assert [item["status"] for item in answer["items"]] == ["stored", "refused", "already_held"]
    problem = answer["items"][1]["problem"]
    assert problem["message"] == catalogue("de").text("error.import_refused.tampered")
    assert list(site.agent.stored) == [BADGE["id"]]


async def test_a_browser_needs_our_page_and_the_csrf_token(site: Site) -> None:
    cookies = {SESSION_COOKIE: SESSION}
    origin = f"http://127.0.0.1:{site.client.port}"
    body = json.dumps(BADGE).encode()
    no_token = await site.client.post(
        IMPORT, data=body, cookies=cookies, headers={"Origin": origin}
    )
    assert no_token.status == 403
    other_site = await site.client.post(
        IMPORT,
        data=body,
        cookies=cookies,
        headers={"Origin": origin, "X-CSRF-Token": CSRF, "Sec-Fetch-Site": "same-site"},
    )
    assert other_site.status == 403
    assert (await other_site.json())["error"]["code"] == "bad_origin"
    ours = await site.client.post(
        IMPORT,
        data=body,
        cookies=cookies,
        headers={"Origin": origin, "X-CSRF-Token": CSRF, "Sec-Fetch-Site": "same-origin"},
    )
    assert ours.status == 201, await ours.text()


def test_an_imported_credential_is_told_once_among_the_latest_activity() -> None:
    imported = {
        "kind": "imported",
        "at": "2026-01-02T00:00:00Z",
        "request_name": "Welding 1",
        "credentials": [{"id": "w3c:urn:a", "title": "Welding 1", "format": "w3c"}],
    }
    cards = [
        {"id": "w3c:urn:a", "title": "Welding 1", "received": "2026-01-02T00:00:00Z"},
        {"id": "w3c:urn:b", "title": "Data", "received": "2026-01-01T00:00:00Z"},
    ]
    activity = recent_activity([imported], cards)
    assert [(item["kind"], item.get("id")) for item in activity] == [
        ("imported", None),
        ("received", "w3c:urn:b"),
    ]
