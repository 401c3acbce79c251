"""The consent engine's sentences and the field labels come from the catalogues (#18.2).

The engine says each sentence as a key and its values (`Words`); the English it keeps for
the JSON API must be the English catalogue's, and German must have every sentence. Labels,
credential kinds and titles are said one way on every screen.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from string import Formatter

import pytest

from agent.admin_models import CredentialExchangeDetail
from protocols.consent import HostileRequestError, build_prompt
from protocols.consent.labels import KNOWN, SUBJECT_OWN, field_words, is_technical, label_id
from protocols.consent.wording import ENGLISH, Words, say
from protocols.issuance.offer_view import offer_view
from tests.unit.offer_fakes import detail, ld_record
from tests.unit.test_consent_fixtures import (
    NOW,
    TRUST,
    anoncreds_candidate,
    anoncreds_request,
    dif_request,
    exchange_record,
    w3c_credential,
)
from ui.web.i18n import LANGUAGES, catalogue
from ui.web.pages.wording import Wording
from wallet.credentials.normalize import w3c_title
from wallet.credentials.titles import type_title, type_words

ROOT = Path(__file__).resolve().parents[2]
SAID_KEY = re.compile(r"""(?:say|HostileRequestError)\(\s*["'](consent\.engine\.[a-z_.]+)["']""")
ENGINE = "consent.engine."
SUBJECT_ID_DE = "Ihre Kennung für diesen Nachweis"


def _raw(language: str) -> dict[str, str]:
    text = resources.files("ui.web.i18n").joinpath(f"{language}.json").read_text("utf-8")
    return json.loads(text)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_every_engine_sentence_is_in_both_catalogues_and_the_english_is_the_api_s() -> None:
    english, german = _raw("en"), _raw("de")
    for key, text in ENGLISH.items():
        assert english.get(key) == text, f"en.json says {key} differently from the engine"
        assert german.get(key, "").strip(), f"de.json lacks {key}"
        assert _placeholders(german[key]) == _placeholders(text), key
        assert german[key] != text, f"{key} is not translated"
    stale = sorted(k for k in english if k.startswith(ENGINE) and k not in ENGLISH)
    assert not stale, f"catalogue keys the engine never says: {stale}"


def test_every_key_the_code_says_exists() -> None:
    sources = [*ROOT.glob("protocols/**/*.py"), *ROOT.glob("ui/**/*.py")]
    said = {key for path in sources for key in SAID_KEY.findall(path.read_text("utf-8"))}
    assert len(said) > 25  # the scan found the engine's sentences
    assert not said - set(ENGLISH), sorted(said - set(ENGLISH))
    with pytest.raises(KeyError):
        say("consent.engine.no_such_sentence")


def test_every_known_field_has_a_label_in_every_language() -> None:
    ids = set(KNOWN.values()) | set(SUBJECT_OWN.values())
    for language in LANGUAGES:
        strings = catalogue(language).strings
        missing = sorted(i for i in ids if not strings.get(f"field.{i}", "").strip())
        assert not missing, f"{language} lacks labels for {missing}"


@pytest.mark.parametrize(
    ("name", "english", "german"),
    [
        ("credentialSubject.courseTitle", "Course title", "Kurstitel"),
        ("course_title", "Course title", "Kurstitel"),
        ("$.credentialSubject.completionDate", "Completion date", "Abschlussdatum"),
        ("achievement.criteria.narrative", "How it was earned", "Wie sie erbracht wurde"),
        ("credentialSubject.id", "Your identifier for this credential", SUBJECT_ID_DE),
        ("id", "Credential number", "Nummer des Nachweises"),
        ("achievement.id", "Achievement’s web address", "Webadresse der Leistung"),
        ("graduation_date", "Graduation date", "Graduation date"),  # the issuer's own term
        ("result[0].value", "Result › value", "Result › value"),
    ],
)  # fmt: skip
def test_field_names_read_as_labels(name: str, english: str, german: str) -> None:
    assert Wording(catalogue("en")).field_label(name) == english
    assert Wording(catalogue("de")).field_label(name) == german


def test_a_nested_thing_s_own_id_is_not_the_credential_s() -> None:
    assert label_id("result[0].id") is None and field_words("result[0].id") == "Result › id"
    assert is_technical("achievement.type") and is_technical("id")
    assert not is_technical("achievement.name")


def test_values_that_are_identifiers_or_types_are_said_in_words() -> None:
    words = Wording(catalogue("de"))
    assert words.field_value("issuer", "did:key:z6Mk") == words.words.text("field.value.did")
    assert "did:" not in words.words.text("field.value.did")
    assert words.field_value("type", "VerifiableCredential, MicroCredential") == "Micro-credential"
    assert words.field_value("score", "87") == "87"
    assert words.predicate("score >= 70") == "Punktzahl: mindestens 70"
    assert Wording(catalogue("en")).predicate("final_score < 3") == "Final score: less than 3"
    assert words.field_list(["courseTitle", "credentialSubject.courseTitle"]) == "Kurstitel"


def test_engine_sentences_are_said_in_the_learner_s_language() -> None:
    request = anoncreds_request()
    odd = anoncreds_candidate("c1", {"name": "A", "degree": "B", "graduation_date": "x",
                                     "score": "high"}, ["2_score_GE_uuid"])  # fmt: skip
    prompt = build_prompt(exchange_record({"anoncreds": request}), [odd], TRUST, "Acme", now=NOW)
    score = prompt.item("2_score_GE_uuid")
    assert score is not None and score.missing is not None
    reason = score.missing.reason_words[0]
    assert score.missing.reasons == [reason.english]
    assert reason.english.startswith("your score here is not a whole number")
    german = Wording(catalogue("de")).said(reason.model_dump())
    assert german.startswith("Ihr Wert „Punktzahl“ ist hier keine ganze Zahl")


def test_dif_reasons_statements_and_refusals_carry_their_keys() -> None:
    record = exchange_record({"dif": dif_request(limit_disclosure=None)})
    held = w3c_credential("vc-1", "Ed25519Signature2018", subject_id="not-a-did")
    prompt = build_prompt(record, [held], TRUST, "Acme", now=NOW)
    view = prompt.items[0].candidates[0]
    assert [w.key for w in view.reason_words] == [
        "consent.engine.signature_not_accepted",
        "consent.engine.not_bound",
    ]
    assert view.reasons == [w.english for w in view.reason_words]
    assert view.statement_words is not None and view.statement == view.statement_words.english
    with pytest.raises(HostileRequestError) as refused:
        build_prompt(exchange_record({}), [], TRUST, "Acme", now=NOW)
    assert refused.value.words == Words(key="consent.engine.refused.unreadable")
    shown = Wording(catalogue("de")).said(refused.value.words.model_dump())
    assert shown == "Diese Anfrage enthält nichts, was das Wallet lesen kann."


def test_one_type_reads_the_same_on_offer_credential_and_prompt() -> None:
    """`PermanentResident` once read three ways on three screens."""
    types = ["VerifiableCredential", "PermanentResident"]
    document = {"type": types, "credentialSubject": {"givenName": "Ada"}}
    record = ld_record("o-1", credential={**document, "issuer": "did:key:z6Mk"})
    offer = offer_view(CredentialExchangeDetail.model_validate(detail(record)), None)
    held = w3c_credential("vc-1", type_="PermanentResident")
    request = dif_request(limit_disclosure=None)
    descriptor = request["presentation_definition"]["input_descriptors"][0]
    descriptor["schema"] = [{"uri": "https://example.org/examples#PermanentResident"}]
    prompt = build_prompt(exchange_record({"dif": request}), [held], TRUST, "A", now=NOW)
    titles = {offer.title, w3c_title(document, types), prompt.items[0].candidates[0].title}
    assert titles == {"Permanent resident"} == {type_title(types)}
    assert type_words("https://example.org/vocab#OpenBadgeCredential") == "Open Badge"
