"""Issue #18 point 1: each kind of credential looks like what it is, in English and German.

The real app renders the credential pages over a fake admin API (the HTTP boundary); the
store, index, normalization, OCA bundles and templates are the wallet's own.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.unit.offer_fakes import CRED_DEF_ID, DIDWEB_ISSUER, SCHEMA_ID
from tests.unit.test_consent_fixtures import HOLDER_ED
from tests.unit.test_screens_plain_words import ScreenAdmin, main_text, technical_words
from tests.unit.wallet_site import close_services, make_services, serving
from ui.web.i18n import LANGUAGE_COOKIE
from wallet.credentials.oca import DATA_DIR_FOLDER

PNG = "data:image/png;base64,iVBORw0KGgo="
ESCO_DATA = "http://data.europa.eu/esco/skill/15d76317-c71a-4fa2-aadc-2ecc34e627b7"
EVIDENCE = "https://portfolio.example/ada/data-project"
BADGE: dict[str, Any] = {
    "@context": ["https://www.w3.org/2018/credentials/v1"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "did:key:z6MkBadgeIssuer",
        "type": ["Profile"],
        "name": "Open Learning Institute",
        "url": "https://oli.example",
        "image": {"id": PNG, "type": "Image"},
        "description": "Adult education in the open.",
    },
    "issuanceDate": "2026-11-22T06:56:16Z",
    "credentialSubject": {
        "id": HOLDER_ED,
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://oli.example/achievements/data",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": "Data Literacy Foundations",
            "description": "Reads, questions and presents data responsibly.",
            "creditsAvailable": 5,
            "criteria": {
                "id": "https://oli.example/achievements/data/criteria",
                "narrative": "Passed the **final assessment**.\n\n- Built a dashboard\n- Presented it",  # noqa: E501
            },
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "Work with data",
                    "targetUrl": ESCO_DATA,
                    "targetFramework": "ESCO",
                },
                {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": "urn:x:stats"},
            ],
        },
    },
    "evidence": [
        {"id": EVIDENCE, "type": ["Evidence"], "name": "Data project", "narrative": "A study."},
        {"type": ["Evidence"], "name": "Final talk", "description": "Given in class."},
    ],
    "proof": {"type": "Ed25519Signature2020"},
}
MICRO: dict[str, Any] = {
    "type": ["VerifiableCredential", "MicroCredential"],
    "issuer": "did:key:z6MkMicroIssuer",
    "issuanceDate": "2026-11-20T10:00:00Z",
    "credentialSubject": {
        "id": HOLDER_ED,
        "courseTitle": "Spreadsheets for Science",
        "credits": 3,
        "workload": "PT75H",
        "level": "EQF 4",
        "learningOutcomes": ["Cleans a data set", "Charts a trend"],
    },
    "proof": {"type": "BbsBlsSignature2020"},
}
COURSE = {
    "course_title": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": "87",
    "completion_date": "2025-06-30",
    "learner_name": "Ada",
}


class Reader:
    """A logged-in browser stand-in that reads pages in one language."""

    def __init__(self, base: str, session: aiohttp.ClientSession, jar: aiohttp.CookieJar) -> None:
        self.base, self.session, self.jar = base, session, jar

    async def page(self, path: str, language: str = "en") -> str:
        self.jar.update_cookies({LANGUAGE_COOKIE: language})
        async with self.session.get(self.base + path) as response:
            text = await response.text()
            assert response.status == 200, (path, text[:400])
            return text


@pytest.fixture
async def reader(tmp_path: Path) -> AsyncIterator[Reader]:
    admin = ScreenAdmin()
    admin.stored_w3c["badge"] = {"record_id": "badge", "cred_value": BADGE}
    admin.stored_w3c["micro"] = {"record_id": "micro", "cred_value": MICRO}
    for referent, schema_id, attrs in (
        ("course", SCHEMA_ID, COURSE),
        ("other", f"{DIDWEB_ISSUER}?service=anoncreds&relativeRef=/schema/Other", COURSE),
    ):
        admin.stored_anoncreds[referent] = {
            "referent": referent,
            "schema_id": schema_id,
            "cred_def_id": CRED_DEF_ID,
            "attrs": attrs,
        }
    admin.schemas[f"{DIDWEB_ISSUER}?service=anoncreds&relativeRef=/schema/Other"] = {
        "name": "Sports result"
    }
    await admin.start()
    services = await make_services(admin.url, tmp_path)
    jar = aiohttp.CookieJar(unsafe=True)
    try:
        async with serving(services) as (server, ui), aiohttp.ClientSession(cookie_jar=jar) as s:
            base = f"http://127.0.0.1:{server.port}"
            async with s.get(f"{base}/login?code={ui.login_code}") as login:
                assert login.status == 200
            yield Reader(base, s, jar)
    finally:
        await close_services(services)
        await admin.close()


def _between(page: str, marker: str) -> str:
    """The section that holds `marker` (a data- attribute), up to its closing tag."""
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


async def test_open_badge_page_says_criteria_skills_evidence_and_issuer(reader: Reader) -> None:
    page = await reader.page("/credentials/w3c:badge")
    text = main_text(page)
    assert not technical_words(text), technical_words(text)
    assert "Data Literacy Foundations" in text
    assert "Reads, questions and presents data responsibly." in text
    criteria = _between(page, "data-criteria")
    assert "<p>Passed the final assessment.</p>" in criteria  # Markdown as prose
    assert "<li>Built a dashboard</li>" in criteria and "<li>Presented it</li>" in criteria
    skills = re.findall(r"<a href=\"([^\"]+)\" rel=\"([^\"]+)\"[^>]*>([^<]+)</a>", page)
    assert (ESCO_DATA, "noopener noreferrer nofollow", "Work with data") in skills
    assert "Statistics" in text and "urn:x:stats" not in page.split("<details")[0]
    assert (EVIDENCE, "noopener noreferrer nofollow", "Data project") in skills
    assert "portfolio.example" in text and "Final talk" in text and "Given in class." in text
    assert "5 credit points" in text and "Certificate" in text
    assert "Adult education in the open." in text and "Issuer’s website" in text
    assert f'src="{PNG}"' in page  # the issuer's embedded logo
    details = " ".join(re.findall(r"<details.*?</details>", page, re.S))
    for fact in ("did:key:z6MkBadgeIssuer", "Ed25519Signature2020", HOLDER_ED, "(subject id)"):
        assert fact in details, fact


async def test_open_badge_page_in_german(reader: Reader) -> None:
    text = main_text(await reader.page("/credentials/w3c:badge", "de"))
    assert not technical_words(text), technical_words(text)
    for words in ("Wofür dieses Badge steht", "Wie sie erbracht wurde", "Kompetenzen"):
        assert words in text
    assert "Belege" in text and "5 Leistungspunkte" in text and "Über den Aussteller" in text


async def test_micro_credential_says_workload_level_and_outcomes(reader: Reader) -> None:
    for language, says in (
        ("en", ["Workload and level", "3 credit points · 75 hours of study", "EQF 4"]),
        ("de", ["Umfang und Niveau", "3 Leistungspunkte · 75 Stunden Lernzeit", "Lernergebnisse"]),
    ):
        page = await reader.page("/credentials/w3c:micro", language)
        text = main_text(page)
        assert not technical_words(text), technical_words(text)
        for words in [*says, "Cleans a data set", "Charts a trend", "Spreadsheets for Science"]:
            assert words in text, (language, words)
        fields = page[page.index("data-fields") : page.index("</dl>", page.index("data-fields"))]
        assert len(re.findall(r"<dt>", fields)) == 1  # the course title; the rest is said above


async def test_anoncreds_with_the_issuer_s_oca_labels_and_branding(reader: Reader) -> None:
    english = await reader.page("/credentials/anoncreds:course")
    german = await reader.page("/credentials/anoncreds:course", "de")
    for page, labels in (
        (english, ["Course", "Taught by", "Final score (%)", "Completed on", "Learner"]),
        (
            german,
            ["Kurs", "Unterrichtet von", "Endergebnis (%)", "Abgeschlossen am", "Lernende Person"],
        ),
    ):
        text = main_text(page)
        assert not technical_words(text), technical_words(text)
        fields = page[page.index("data-fields") : page.index("</dl>", page.index("data-fields"))]
        assert re.findall(r"<dt>([^<]+)</dt>", fields) == labels  # the issuer's order
        assert 'class="brand-band brand-band-page" src="data:image/svg+xml,' in page
        assert "%231f4e79" in page  # the issuer's colour
        assert 'src="data:image/svg+xml;base64,' in page  # the issuer's logo
    assert "30 June 2025" in main_text(english)  # a DateTime attribute, said as a date
    assert "30. Juni 2025" in main_text(german)
    assert "Course result" in main_text(english)  # the one title, on every screen
    assert "Das Ergebnis eines Kurses" in main_text(german)
    assert "come from its issuer" in main_text(english)
    details = html.unescape(" ".join(re.findall(r"<details.*?</details>", english, re.S)))
    assert SCHEMA_ID in details and CRED_DEF_ID in details and "OCA bundle" in details


async def test_a_schema_of_another_name_is_not_dressed_in_the_bundle(reader: Reader) -> None:
    page = await reader.page("/credentials/anoncreds:other")
    text = main_text(page)
    assert "Course title" in text and "Final score (%)" not in text  # words from the names
    assert "brand-band" not in page and "data-oca-note" not in page


async def test_cards_say_one_line_of_facts_per_kind(reader: Reader) -> None:
    for path in ("w3c:badge", "w3c:micro", "anoncreds:course"):
        await reader.page(f"/credentials/{path}")  # a detail read indexes it
    cards = await reader.page("/credentials")
    facts = re.findall(r"data-card-facts>([^<]+)<", cards)
    assert "Course: Data Literacy Foundations · Final score (%): 87" in facts
    assert "3 credit points · 75 hours of study · Level EQF 4" in facts
    assert "5 credit points · Skills: Work with data, Statistics" in facts
    assert "%231f4e79" in cards
    titles = re.findall(r'class="card-title"><a [^>]+>([^<]+)</a>', cards)
    assert sorted(titles) == [
        "Course result",
        "Data Literacy Foundations",
        "Spreadsheets for Science",
    ]
    assert not technical_words(main_text(cards))
    german = main_text(await reader.page("/credentials", "de"))
    assert "Kurs: Data Literacy Foundations · Endergebnis (%): 87" in german


async def test_the_learner_s_own_bundle_in_the_data_dir_wins(
    reader: Reader, tmp_path: Path
) -> None:
    shipped = Path(__file__).parents[2] / "wallet/credentials/oca_bundles/course_result.json"
    bundle = json.loads(shipped.read_text("utf-8"))
    bundle["applies_to"] = {"cred_def_ids": [CRED_DEF_ID]}
    for overlay in bundle["bundle"][0]["overlays"]:
        if overlay["type"].endswith("/label/1.0") and overlay["language"] == "en":
            overlay["attribute_labels"]["score"] = "Points"
        if "branding" in overlay["type"]:
            overlay["primary_background_color"] = "#AA3300"
            overlay["logo"] = "https://oli.example/logo.png"  # never loaded: not kept
    (tmp_path / DATA_DIR_FOLDER).mkdir()
    (tmp_path / DATA_DIR_FOLDER / "mine.json").write_text(json.dumps(bundle), "utf-8")
    page = await reader.page("/credentials/anoncreds:other")  # any schema: by cred def id
    assert "Points" in main_text(page) and "%23aa3300" in page
    assert "oli.example/logo.png" not in page
