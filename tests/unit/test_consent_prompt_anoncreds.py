"""Prompts for AnonCreds requests: what the verifier sees, what is only proven, what's missing."""

from typing import Any

from protocols.consent import ConsentPrompt, ItemKind, build_prompt
from protocols.consent.credentials import parse_candidates
from tests.unit.test_consent_fixtures import (
    ALL_REFERENTS,
    DEGREE_ATTRS,
    INDY_CRED_DEF,
    INDY_DID,
    INDY_SCHEMA,
    NOW,
    OTHER_CRED_DEF,
    TRUST,
    UNI_CRED_DEF,
    UNI_DID,
    VERIFIER_DID,
    anoncreds_candidate,
    anoncreds_candidates,
    anoncreds_request,
    exchange_record,
)


def _prompt(
    request: dict[str, Any] | None = None,
    candidates: list[dict[str, Any]] | None = None,
    verifier_did: str | None = VERIFIER_DID,
) -> ConsentPrompt:
    record = exchange_record({"anoncreds": request or anoncreds_request()}, "Job at Acme")
    found = anoncreds_candidates() if candidates is None else candidates
    return build_prompt(record, found, TRUST, "Acme HR", verifier_did=verifier_did, now=NOW)


def test_verifier_and_purpose() -> None:
    prompt = _prompt()
    assert prompt.verifier.trusted and prompt.verifier.status == "trusted"
    assert prompt.verifier.entry is not None and prompt.verifier.entry.name == "Acme Hiring"
    assert prompt.purpose.name == "Proof of degree"
    assert prompt.purpose.comment == "Job at Acme"
    assert prompt.formats == ["anoncreds"] and prompt.anoncreds_key == "anoncreds"
    assert prompt.answerable and prompt.errors == []


def test_unknown_verifier() -> None:
    prompt = _prompt(verifier_did="did:web:phish.example")
    assert not prompt.verifier.trusted and prompt.verifier.status == "unknown"
    assert _prompt(verifier_did=None).verifier.entry is None


def test_trust_list_matches_sov_and_unqualified_dids() -> None:
    assert TRUST.lookup(f"did:sov:{INDY_DID}") is None
    trust = TRUST.model_copy(update={"entries": [*TRUST.entries]})
    entry = trust.entries[0].model_copy(update={"did": INDY_DID})
    assert type(trust)(entries=[entry]).lookup(f"did:sov:{INDY_DID}") == entry


def test_items_have_the_right_kinds_and_values() -> None:
    prompt = _prompt()
    name, group, score = prompt.items
    assert (name.kind, group.kind, score.kind) == (
        ItemKind.ATTRIBUTE,
        ItemKind.ATTRIBUTE_GROUP,
        ItemKind.PREDICATE,
    )
    assert [(s.name, s.value) for s in name.candidates[0].will_see] == [("name", "Alice Example")]
    assert [(s.name, s.value) for s in group.candidates[0].will_see] == [
        ("degree", "BSc Computer Science"),
        ("graduation_date", "20240630"),
    ]
    assert group.title == "degree, graduation date"


def test_predicate_is_only_proven_in_plain_words() -> None:
    score = _prompt().items[2]
    assert score.predicate is not None
    assert score.predicate.sentence == ("your score is at least 70; the score itself is not shared")
    view = score.candidates[0]
    assert view.will_see == []
    assert [f.sentence for f in view.only_proven] == [score.predicate.sentence]
    assert not score.may_hide


def test_default_is_the_newest_credential() -> None:
    prompt = _prompt()
    assert all(item.default_credential_id == "cred-new" for item in prompt.items)
    assert [c.credential_id for c in prompt.items[0].candidates] == ["cred-new", "cred-old"]


def test_only_single_attributes_may_be_hidden() -> None:
    name, group, _ = _prompt().items
    assert name.may_hide and name.hide_warning and "may refuse" in name.hide_warning
    assert not group.may_hide and group.hide_warning is None


def test_issuer_trust_is_shown_per_candidate() -> None:
    view = _prompt().items[0].candidates[0]
    assert view.issuer_id == UNI_DID
    assert view.issuer is not None and view.issuer.name == "University of Example"


def test_restrictions_nothing_matches_make_the_item_missing() -> None:
    foreign = [anoncreds_candidate("c1", DEGREE_ATTRS, [], cred_def_id=OTHER_CRED_DEF)]
    prompt = _prompt(candidates=foreign)
    assert not prompt.answerable
    missing = prompt.items[0].missing
    assert missing is not None
    assert missing.cred_def_ids == [UNI_CRED_DEF]
    assert missing.issuer_dids == [UNI_DID]
    assert "no credential" in missing.sentence and "University of Example" in missing.sentence
    assert UNI_DID not in missing.sentence, "the trust list's name, not the DID"
    assert [(h.name, h.trusted) for h in missing.issuers] == [("University of Example", True)]
    group_missing = prompt.items[1].missing
    assert group_missing is not None and group_missing.issuer_dids == [UNI_DID]


def test_any_one_restriction_is_enough() -> None:
    """ACA-Py ANDs restriction lists when searching; the engine applies AnonCreds' OR."""
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"]["restrictions"] = [
        {"cred_def_id": OTHER_CRED_DEF},
        {"cred_def_id": UNI_CRED_DEF},
    ]
    prompt = _prompt(request, [anoncreds_candidate("c1", DEGREE_ATTRS, [])])
    assert prompt.items[0].default_credential_id == "c1"


def test_undecidable_restrictions_defer_to_acapy() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"]["restrictions"] = [{"schema_name": "degree"}]
    found = _prompt(request, [anoncreds_candidate("c1", DEGREE_ATTRS, ["0_name_uuid"])])
    assert found.items[0].default_credential_id == "c1"
    not_found = _prompt(request, [anoncreds_candidate("c1", DEGREE_ATTRS, [])])
    assert not_found.items[0].missing is not None


def test_legacy_indy_identifiers_are_understood() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"]["restrictions"] = [
        {"schema_name": "transcript", "issuer_did": f"did:sov:{INDY_DID}"}
    ]
    candidate = anoncreds_candidate(
        "c1", DEGREE_ATTRS, [], cred_def_id=INDY_CRED_DEF, schema_id=INDY_SCHEMA
    )
    item = _prompt(request, [candidate]).items[0]
    assert item.default_credential_id == "c1"
    assert item.candidates[0].title == "transcript 1.2"


def test_attribute_value_restrictions() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"]["restrictions"] = [
        {"attr::degree::value": "MSc Physics"}
    ]
    assert _prompt(request).items[0].missing is not None


def test_non_numeric_predicate_value_makes_the_request_unanswerable() -> None:
    odd = anoncreds_candidate("c1", {**DEGREE_ATTRS, "score": "A+"}, ALL_REFERENTS)
    prompt = _prompt(candidates=[odd])
    score = prompt.items[2]
    assert not score.candidates[0].usable
    assert "not a whole number" in score.candidates[0].reasons[0]
    assert score.missing is not None and "not a whole number" in score.missing.sentence
    assert not prompt.answerable


def test_unmet_predicate_is_not_offered() -> None:
    low = anoncreds_candidate("c-low", {**DEGREE_ATTRS, "score": "60"}, ALL_REFERENTS)
    high = anoncreds_candidate("c-high", DEGREE_ATTRS, ALL_REFERENTS)
    score = _prompt(candidates=[high, low]).items[2]
    assert score.default_credential_id == "c-high"
    assert [c.usable for c in score.candidates] == [True, False]
    assert "does not meet" in score.candidates[1].reasons[0]


def test_revoked_credentials_are_not_the_default() -> None:
    newest = {**anoncreds_candidate("c-rev", DEGREE_ATTRS, ALL_REFERENTS), "revoked": True}
    older = anoncreds_candidate("c-ok", DEGREE_ATTRS, ALL_REFERENTS)
    item = _prompt(candidates=[older, newest]).items[0]
    assert item.default_credential_id == "c-ok"
    assert item.candidate("c-rev") is None


def test_unrestricted_attribute_can_be_self_attested() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["3_phone"] = {"name": "phone"}
    prompt = _prompt(request)
    phone = prompt.item("3_phone")
    assert phone is not None
    assert phone.self_attestable and phone.missing is None and phone.candidates == []
    assert prompt.answerable
    assert not prompt.items[0].self_attestable


def test_attribute_names_match_without_case_or_spaces() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"]["name"] = "Given Name"
    attrs = {**DEGREE_ATTRS, "givenname": "Alice"}
    item = _prompt(request, [anoncreds_candidate("c1", attrs, ALL_REFERENTS)]).items[0]
    assert item.candidates[0].will_see[0].value == "Alice"


def test_paged_results_are_merged() -> None:
    page1 = anoncreds_candidate("c1", DEGREE_ATTRS, ["0_name_uuid"])
    page2 = anoncreds_candidate("c1", DEGREE_ATTRS, ["2_score_GE_uuid"])
    merged = parse_candidates([page1, page2]).anoncreds
    assert len(merged) == 1
    assert merged[0].presentation_referents == ["0_name_uuid", "2_score_GE_uuid"]
