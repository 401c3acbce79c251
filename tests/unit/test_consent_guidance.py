"""Missing-credential guidance names who can issue it and what kind it is, in words, in both
languages; raw DIDs and type URIs only under technical details (issue #17, point 6). And
one credential id form: a prompt's candidate carries the wallet's `<format>:<id>` too, and
a decision may use it (point 7).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from agent.admin_client import AdminClient
from protocols.consent import (
    ConsentDecision,
    ItemChoice,
    TrustEntry,
    TrustList,
    build_prompt,
    presentation_body,
)
from protocols.presentation.labels import with_kind_labels
from protocols.presentation.pending import PendingRequest
from protocols.presentation.trust import check_trust_file, trust_list_of
from tests.unit.fake_admin import ADMIN_KEY, FakeAdminApi
from tests.unit.test_consent_fixtures import (
    INDY_DID,
    UNI_CRED_DEF,
    UNI_DID,
    anoncreds_candidates,
    anoncreds_request,
    dif_request,
    exchange_record,
)
from tests.unit.test_plain_words import visible_text
from tests.unit.wallet_site import close_services, make_services, serving
from ui.web.i18n import LANGUAGE_COOKIE, LANGUAGES, catalogue
from wallet.trust_list import TrustListError

INVITATION_JSON = {
    "@type": "https://didcomm.org/out-of-band/1.1/invitation",
    "@id": "5e0b1d8c-9a43-4b2f-9d7c-2f1e0e6f1a11",
    "label": "University of Example",
    "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
    "services": [
        {
            "id": "#inline",
            "type": "did-communication",
            "recipientKeys": ["did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"],
            "serviceEndpoint": "http://127.0.0.1:8020",
        }
    ],
}
INVITATION = "https://uni.example/connect?oob=" + base64.urlsafe_b64encode(
    json.dumps(INVITATION_JSON).encode()
).decode().rstrip("=")
TRUST = TrustList(
    entries=[TrustEntry(did=UNI_DID, name="University of Example", invitation=INVITATION)]
)
RAW = re.compile(r"did:|https?://")


def _anoncreds_prompt(trust: TrustList = TRUST, request: dict | None = None, candidates=()):
    record = exchange_record({"anoncreds": request or anoncreds_request()})
    return build_prompt(record, list(candidates), trust, "Acme Hiring")


def test_a_trusted_issuer_is_named_and_offers_its_invitation() -> None:
    prompt = _anoncreds_prompt()
    for item in prompt.items:
        missing = item.missing
        assert missing is not None
        assert [(h.name, h.trusted, h.invitation) for h in missing.issuers] == [
            ("University of Example", True, INVITATION)
        ]
        assert "University of Example" in missing.sentence
        assert not RAW.search(missing.sentence), missing.sentence
        assert missing.issuer_dids == [UNI_DID], "the DID stays, as a technical detail"
    assert prompt.errors and not any(RAW.search(error) for error in prompt.errors)


def test_an_issuer_not_on_the_list_is_named_by_its_web_address_or_said_to_be_unknown() -> None:
    prompt = _anoncreds_prompt(TrustList())
    hints = prompt.items[0].missing.issuers if prompt.items[0].missing else []
    assert [(h.name, h.trusted, h.invitation) for h in hints] == [("uni.example", False, None)]
    request = anoncreds_request()
    legacy = f"{INDY_DID}:3:CL:20:Bachelor of Science"
    request["requested_attributes"]["0_name_uuid"]["restrictions"] = [
        {"cred_def_id": legacy, "schema_name": "degree"}
    ]
    missing = _anoncreds_prompt(TrustList(), request).items[0].missing
    assert missing is not None
    assert [h.name for h in missing.issuers] == [None]  # shown as "not on your trust list"
    assert missing.kinds == ["Bachelor of Science", "degree"], "the tag, then the schema name"
    assert "an issuer that is not on your trust list" in missing.sentence
    assert not RAW.search(missing.sentence) and INDY_DID not in missing.sentence


def test_a_dif_part_is_named_by_its_type_in_words_and_its_pinned_issuer() -> None:
    request = dif_request()
    descriptor = request["presentation_definition"]["input_descriptors"][0]
    del descriptor["name"]
    record = exchange_record({"dif": request})
    missing = build_prompt(record, [], TRUST, "Acme Hiring").items[0].missing
    assert missing is not None
    assert missing.kinds == ["university degree credential"]
    assert [h.name for h in missing.issuers] == ["University of Example"]
    assert not RAW.search(missing.sentence), missing.sentence
    assert missing.schema_ids == ["https://example.org/examples#UniversityDegreeCredential"]


def test_a_candidate_has_the_wallet_s_id_and_a_decision_may_use_it() -> None:
    prompt = _anoncreds_prompt(candidates=anoncreds_candidates())
    item = prompt.items[0]
    view = item.candidates[0]
    assert view.stored_id == f"anoncreds:{view.credential_id}"
    choices = {i.referent: ItemChoice(credential_id=view.stored_id) for i in prompt.items}
    body = presentation_body(prompt, ConsentDecision(choices=choices))
    sent = body[prompt.anoncreds_key or "anoncreds"]["requested_attributes"][item.referent]
    assert sent["cred_id"] == view.credential_id, "ACA-Py gets its own id"


def test_a_trust_list_entry_s_invitation_is_checked_when_the_list_is_read(
    tmp_path: Path,
) -> None:
    good = tmp_path / "trust.json"
    good.write_text(json.dumps([{"did": UNI_DID, "name": "Uni", "invitation": INVITATION}]))
    (entry,) = trust_list_of(check_trust_file(good)).entries
    assert entry.invitation == INVITATION
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"did": UNI_DID, "name": "Uni", "invitation": "hello"}]))
    with pytest.raises(TrustListError, match="entry 1: invitation"):
        check_trust_file(bad)
    short = tmp_path / "short.json"
    short.write_text(json.dumps([{"did": UNI_DID, "name": "Uni", "invitation": "https://u.ex/x"}]))
    with pytest.raises(TrustListError, match="short link"):
        check_trust_file(short)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[str, object, object]]:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, TRUST, with_store=False)
    async with serving(services) as (server, ui):
        yield f"http://127.0.0.1:{server.port}", ui, services
    await close_services(services)
    await admin_api.close()


async def _page(base: str, ui, language: str, path: str) -> str:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/login?code={ui.login_code}") as login:
            assert login.status == 200
        jar.update_cookies({LANGUAGE_COOKIE: language})
        async with session.get(base + path) as response:
            assert response.status == 200
            return await response.text()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_prompt_says_who_can_issue_it_in_words_with_a_connect_action(
    site, language: str
) -> None:
    base, ui, services = site
    prompt = _anoncreds_prompt()
    services.requests.put(
        PendingRequest(
            exchange_id=prompt.exchange_id,
            state="request-received",
            verifier=prompt.verifier,
            request_name=prompt.purpose.name,
            prompt=prompt,
        )
    )
    page = await _page(base, ui, language, f"/requests/{prompt.exchange_id}")
    words = catalogue(language)
    text = visible_text(page)
    assert not RAW.search(text), f"{language}: {RAW.findall(text)} shown outside the details"
    assert words.text("consent.who_issues") in text and "University of Example" in text
    connect = words.text("consent.connect_to", issuer="University of Example")
    assert text.count(connect) == len(prompt.items)
    assert f'data-connect-invitation="{INVITATION}"' in page
    assert words.text("consent.missing_parts") in text
    assert UNI_CRED_DEF.split("?")[0] in page.split('class="technical"', 1)[1], "kept as detail"
    if language == "de":
        assert "You have no credential" not in text, "the engine's English stays in the API"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_rebuilt_prompt_says_you_can_answer_now(site, language: str) -> None:
    base, ui, services = site
    prompt = _anoncreds_prompt(candidates=anoncreds_candidates())
    services.requests.put(
        PendingRequest(
            exchange_id=prompt.exchange_id,
            state="request-received",
            verifier=prompt.verifier,
            request_name=prompt.purpose.name,
            prompt=prompt,
            arrived=["degree 1.0"],
        )
    )
    page = await _page(base, ui, language, f"/requests/{prompt.exchange_id}")
    said = catalogue(language).text("consent.can_answer_now", credential="degree 1.0")
    assert said in visible_text(page) and "data-arrived" in page


class PublishedObjects:
    """ACA-Py's AnonCreds resolve routes, answering for the trusted issuer's objects only."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.server: TestServer | None = None

    async def __aenter__(self) -> AdminClient:
        app = web.Application()
        app.router.add_get("/anoncreds/credential-definition/{id}", self._cred_def)
        app.router.add_get("/anoncreds/schema/{id}", self._schema)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        self.client = AdminClient(str(self.server.make_url("")).rstrip("/"), ADMIN_KEY)
        return self.client

    async def __aexit__(self, *_: object) -> None:
        await self.client.close()
        assert self.server is not None
        await self.server.close()

    async def _cred_def(self, request: web.Request) -> web.Response:
        self.asked.append(request.match_info["id"])
        if request.match_info["id"] != UNI_CRED_DEF:
            raise web.HTTPNotFound()
        body = {"schemaId": "schema-1", "tag": "course-result", "issuerId": UNI_DID}
        return web.json_response({"credential_definition": body})

    async def _schema(self, request: web.Request) -> web.Response:
        return web.json_response({"schema": {"name": "Bachelor degree", "version": "1.0"}})


async def test_a_trusted_issuer_s_schema_names_the_kind_and_no_other_is_fetched() -> None:
    request = anoncreds_request()
    foreign = "did:web:verifier-picked.example?service=anoncreds&relativeRef=/credDef/X"
    request["requested_attributes"]["1_degree_uuid"]["restrictions"] = [{"cred_def_id": foreign}]
    prompt = _anoncreds_prompt(request=request)
    objects = PublishedObjects()
    async with objects as client:
        labelled = await with_kind_labels(client, prompt, TRUST)
    assert objects.asked == [UNI_CRED_DEF], "nothing fetched for an issuer not on the list"
    items = {item.referent: item.missing for item in labelled.items}
    named = items["0_name_uuid"]
    assert named is not None and named.kinds == ["Bachelor degree"]
    assert "'Bachelor degree'" in named.sentence and named.sentence in labelled.errors
    other = items["1_degree_uuid"]
    assert (
        other is not None
        and other.kinds == []
        and other.issuers[0].name == "verifier-picked.example"
    )
    assert len(labelled.errors) == len(prompt.errors)
