"""Issue #18 point 6: the main text of the offer, prompt, credential and history screens
holds no DID, no proof type, no JSON path and no code-style field name, in either language.

"Main text" is what the page says with every `<details>` element (technical details)
taken out. The pages are rendered by the real app over a fake admin API.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from protocols.consent import ConsentPrompt, build_prompt
from protocols.presentation.pending import PendingRequest
from tests.unit.offer_fakes import (
    CRED_DEF_ID,
    SCHEMA_ID,
    FakeHolderAdmin,
    anoncreds_record,
    badge_record,
    detail,
    ld_record,
)
from tests.unit.test_consent_fixtures import (
    HOLDER_ED,
    NOW,
    TRUST,
    VERIFIER_DID,
    anoncreds_candidates,
    anoncreds_request,
    dif_candidates,
    dif_request,
    exchange_record,
    w3c_credential,
)
from tests.unit.wallet_site import close_services, make_services, serving
from ui.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from wallet.history import History, HistoryEntry, HistoryVerifier, UsedCredential

PROOF_TYPES = re.compile(r"Ed25519Signature20(18|20)|BbsBlsSignature2020")
JSON_PATH = re.compile(r"credentialSubject\.|achievement\.|\$\.")
CAMEL_CASE = re.compile(r"\b[a-z]+(?:[A-Z][a-z0-9]*)+\b")
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
# Names the fixtures use: none may show as such (each has a label or words of its own).
RAW_NAMES = (
    "courseTitle", "completionDate", "course_title", "graduation_date", "givenName",
    "birthDate", "issuanceDate", "credentialSubject", "narrative", "AchievementSubject",
    "MicroCredential", "OpenBadgeCredential", "VerifiableCredential", "PermanentResident",
)  # fmt: skip


class _MainText(HTMLParser):
    """The page's text without `<details>` (nor scripts and styles, which are not text)."""

    SKIPPED = ("details", "script", "style", "head")

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def main_text(page: str) -> str:
    parser = _MainText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def technical_words(text: str) -> list[str]:
    """What in the learner's main text is a technical fact, not words."""
    found = [m.group(0) for m in re.finditer(r"did:[a-z0-9]+:\S*|did:", text)]
    for pattern in (PROOF_TYPES, JSON_PATH, CAMEL_CASE, SNAKE_CASE):
        found += [m.group(0) for m in pattern.finditer(text)]
    found += [name for name in RAW_NAMES if re.search(rf"\b{name}\b", text)]
    return found


def test_the_check_catches_what_the_review_saw() -> None:
    for seen in (
        "achievement.criteria.narrative Passed",
        "Signature Ed25519Signature2020",
        "course title course_title",
        "Who asks did:peer:4zQmabc",
        "They will see credentialSubject.courseTitle",
        "Kind PermanentResident",
    ):
        assert technical_words(seen), seen
    page = "<main><p>Course title</p><details><code>did:key:z6Mk</code></details></main>"
    assert main_text(page) == "Course title"
    assert not technical_words("Course title: Data Literacy Foundations · Score 87")


class ScreenAdmin(FakeHolderAdmin):
    """The holder admin API plus the stored credentials the credential page reads."""

    def __init__(self) -> None:
        super().__init__()
        self.stored_w3c: dict[str, dict[str, Any]] = {}
        self.stored_anoncreds: dict[str, dict[str, Any]] = {}

    def add_routes(self, app: web.Application) -> None:
        super().add_routes(app)
        app.router.add_get("/credential/w3c/{id}", self._one_w3c)
        app.router.add_get("/credential/{id}", self._one_anoncreds)

    async def _one_w3c(self, request: web.Request) -> web.Response:
        found = self.stored_w3c.get(request.match_info["id"])
        return web.json_response(found or {"message": "nope"}, status=200 if found else 404)

    async def _one_anoncreds(self, request: web.Request) -> web.Response:
        found = self.stored_anoncreds.get(request.match_info["id"])
        return web.json_response(found or {"message": "nope"}, status=200 if found else 404)


@dataclass
class Site:
    base: str
    login_code: str


def _prompts() -> dict[str, ConsentPrompt]:
    """AnonCreds with a predicate, DIF with BBS (derived), DIF with Ed25519 (whole)."""
    anoncreds = build_prompt(
        exchange_record({"anoncreds": anoncreds_request()}),
        anoncreds_candidates(),
        TRUST,
        "Acme Hiring",
        verifier_did=VERIFIER_DID,
        now=NOW,
    )
    bbs = build_prompt(
        exchange_record({"dif": dif_request()}),
        dif_candidates(),
        TRUST,
        "Acme Hiring",
        verifier_did="did:peer:4zQmTestVerifier",
        now=NOW,
    )
    micro = dif_request(limit_disclosure=None, proof_types=["Ed25519Signature2018"])
    descriptor = micro["presentation_definition"]["input_descriptors"][0]
    descriptor["name"] = None
    descriptor["schema"] = [{"uri": "https://example.org/examples#MicroCredential"}]
    descriptor["constraints"]["fields"][0]["path"] = ["$.credentialSubject.courseTitle"]
    ed = w3c_credential(
        "vc-micro",
        "Ed25519Signature2018",
        HOLDER_ED,
        extra={"courseTitle": "Data Literacy Foundations", "completionDate": "2025-06-30"},
        type_="MicroCredential",
    )
    whole = build_prompt(
        exchange_record({"dif": micro}), [ed], TRUST, None, verifier_did=None, now=NOW
    )
    return {"ex-anoncreds": anoncreds, "ex-bbs": bbs, "ex-ed25519": whole}


async def _history(services: Any) -> None:
    history = History(services.store)
    verifier = HistoryVerifier(label="Acme Hiring", did=VERIFIER_DID, trusted=True)
    await history.add(
        HistoryEntry(
            exchange_id="h-1",
            at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
            outcome="approved",
            verifier=verifier,
            request_name="Course check",
            revealed=["credentialSubject.courseTitle", "course_title"],
            hidden=["graduation_date"],
            predicates=["score >= 70"],
            credentials=[
                UsedCredential(
                    id="w3c:vc-1",
                    title="Micro-credential",
                    format="w3c",
                    issuer_id="did:key:z6MkIssuer",
                    shared=["courseTitle", "credentialSubject.id", "issuanceDate"],
                    hidden=["completionDate", "achievement.criteria.narrative"],
                )
            ],
        )
    )
    await history.add(
        HistoryEntry(
            exchange_id="h-2",
            at=datetime(2026, 11, 22, 11, 0, tzinfo=UTC),
            outcome="approved",
            verifier=verifier,
            request_name="Older answer",
            revealed=["credentialSubject.completionDate", "givenName"],
            credentials=[
                UsedCredential(id="anoncreds:a", title="Course result", format="anoncreds")
            ],
        )
    )


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    admin = ScreenAdmin()
    for record in (
        badge_record("offer-badge"),
        ld_record("offer-ed"),
        anoncreds_record("offer-ac"),
    ):
        admin.offer(detail(record))
    badge = badge_record("x")["by_format"]["cred_offer"]["ld_proof"]["credential"]
    badge["credentialSubject"]["id"] = HOLDER_ED
    badge["proof"] = {"type": "Ed25519Signature2020"}
    admin.stored_w3c["badge-1"] = {
        "record_id": "badge-1",
        "cred_value": badge,
        "proof_types": ["Ed25519Signature2020"],
    }
    admin.stored_anoncreds["ac-1"] = {
        "referent": "ac-1",
        "schema_id": SCHEMA_ID,
        "cred_def_id": CRED_DEF_ID,
        "attrs": {"course_title": "Data Literacy Foundations", "score": "87"},
    }
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST)
    for exchange_id, prompt in _prompts().items():
        services.requests.put(
            PendingRequest(
                exchange_id=exchange_id,
                state="request-received",
                verifier=prompt.verifier,
                request_name=prompt.purpose.name,
                prompt=prompt.model_copy(update={"exchange_id": exchange_id}),
            )
        )
    await _history(services)
    async with serving(services) as (server, ui):
        yield Site(f"http://127.0.0.1:{server.port}", ui.login_code)
    await close_services(services)
    await admin.close()


SCREENS = (
    "/offers/offer-badge",
    "/offers/offer-ed",
    "/offers/offer-ac",
    "/requests/ex-anoncreds",
    "/requests/ex-bbs",
    "/requests/ex-ed25519",
    "/credentials/w3c:badge-1",
    "/credentials/anoncreds:ac-1",
    "/history",
)
# What each screen must still say, in words (so an empty page cannot pass).
SAYS = {
    "en": {
        "/offers/offer-badge": ["How it was earned", "Passed the final assessment."],
        "/offers/offer-ed": ["Course title", "Completion date", "Micro-credential"],
        "/offers/offer-ac": ["Course title", "Score"],
        "/requests/ex-anoncreds": ["your score is at least 70", "Graduation date", "Name"],
        "/requests/ex-bbs": ["Degree", "a digital identifier", "Your identifier"],
        "/requests/ex-ed25519": ["Course title", "Course title", "Completion date"],
        "/credentials/w3c:badge-1": ["How it was earned", "Open Badge"],
        "/credentials/anoncreds:ac-1": ["Course title", "Course result"],
        "/history": ["Course title", "Score: at least 70", "Completion date"],
    },
    "de": {
        "/offers/offer-badge": ["Wie sie erbracht wurde"],
        "/offers/offer-ed": ["Kurstitel", "Abschlussdatum"],
        "/offers/offer-ac": ["Kurstitel", "Punktzahl"],
        "/requests/ex-anoncreds": ["„Punktzahl“ ist mindestens 70", "Graduation date"],
        "/requests/ex-bbs": ["eine digitale Kennung", "Ihre Kennung für diesen Nachweis"],
        "/requests/ex-ed25519": ["Kurstitel", "Abschlussdatum"],
        "/credentials/w3c:badge-1": ["Wie sie erbracht wurde", "Open Badge"],
        "/credentials/anoncreds:ac-1": ["Kurstitel"],
        "/history": ["Kurstitel", "Punktzahl: mindestens 70", "Abschlussdatum"],
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_main_text_holds_no_did_proof_type_path_or_code_name(
    site: Site, language: str
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{site.base}/login?code={site.login_code}") as login:
            assert login.status == 200
        jar.update_cookies({LANGUAGE_COOKIE: language})
        for path in SCREENS:
            async with session.get(site.base + path) as response:
                page = await response.text()
                assert response.status == 200, (path, page[:500])
            text = main_text(page)
            assert not technical_words(text), f"{path} ({language}): {technical_words(text)}"
            for words in SAYS[language][path]:
                assert words in text, f"{path} ({language}) does not say {words!r}: {text}"
            assert "<details" in page, f"{path}: the technical details are gone"


async def test_the_technical_facts_are_still_there_under_technical_details(site: Site) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await session.get(f"{site.base}/login?code={site.login_code}")
        pages = {}
        for path in ("/offers/offer-badge", "/requests/ex-bbs", "/credentials/w3c:badge-1"):
            async with session.get(site.base + path) as response:
                pages[path] = await response.text()
    details = {
        path: " ".join(re.findall(r"<details.*?</details>", page, re.S))
        for path, page in pages.items()
    }
    assert "achievement.criteria.narrative" in details["/offers/offer-badge"]
    assert "Ed25519Signature2020" in details["/offers/offer-badge"]
    assert "did:peer:4zQmTestVerifier" in details["/requests/ex-bbs"]
    assert "credentialSubject.degree" in details["/requests/ex-bbs"]
    assert "achievement.criteria.narrative" in details["/credentials/w3c:badge-1"]
