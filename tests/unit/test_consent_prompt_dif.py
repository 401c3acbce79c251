"""Prompts for DIF requests: BBS selective disclosure, whole Ed25519 credentials, matching."""

from typing import Any

from protocols.consent import ConsentPrompt, build_prompt, parse_request
from protocols.consent.presentation import (
    default_decision,
    needs_fresh_signer,
    presentation_body,
)
from protocols.consent.signing_key import signing_key_type
from tests.unit.test_consent_fixtures import (
    HOLDER_BLS,
    HOLDER_ED,
    NOW,
    TRUST,
    UNI_DID,
    dif_candidates,
    dif_request,
    exchange_record,
    w3c_credential,
)


def _prompt(
    request: dict[str, Any] | None = None, candidates: list[dict[str, Any]] | None = None
) -> ConsentPrompt:
    record = exchange_record({"dif": request or dif_request()})
    found = dif_candidates() if candidates is None else candidates
    return build_prompt(record, found, TRUST, "Acme HR", now=NOW)


def _fields(request: dict[str, Any]) -> list[dict[str, Any]]:
    descriptor = request["presentation_definition"]["input_descriptors"][0]
    fields: list[dict[str, Any]] = descriptor["constraints"]["fields"]
    return fields


def test_bbs_shares_only_requested_and_always_disclosed_fields() -> None:
    prompt = _prompt()
    item = prompt.items[0]
    assert item.selective and item.title == "University degree"
    view = item.candidate("vc-new")
    assert view is not None and not view.whole_credential
    assert view.statement is not None and "always disclosed" in view.statement
    requested = [(s.name, s.value) for s in view.will_see if not s.always_disclosed]
    assert requested == [
        ("credentialSubject.degree", "BSc Computer Science"),
        ("issuer.id", UNI_DID),
    ]
    always = {s.name for s in view.will_see if s.always_disclosed}
    assert {"id", "issuanceDate", "credentialSubject.id", "issuer.name"} <= always
    assert not any("birthDate" in s.name or "givenName" in s.name for s in view.will_see)


def test_default_is_the_newest_valid_credential() -> None:
    item = _prompt().items[0]
    assert item.default_credential_id == "vc-new"
    assert [c.credential_id for c in item.candidates] == ["vc-new", "vc-old", "vc-ed"]


def test_ed25519_cannot_answer_a_selective_request() -> None:
    view = _prompt().items[0].candidates[-1]
    assert view.credential_id == "vc-ed" and not view.usable
    assert "only some fields" in view.reasons[0]


def test_ed25519_shares_the_whole_credential_and_says_so() -> None:
    request = dif_request(limit_disclosure=None, proof_types=["Ed25519Signature2018"])
    item = _prompt(request).items[0]
    view = item.candidate("vc-ed")
    assert view is not None and view.whole_credential
    assert view.statement is not None and "whole credential" in view.statement
    names = {s.name for s in view.will_see}
    assert {
        "credentialSubject.givenName",
        "credentialSubject.birthDate",
        "credentialSubject.degree",
        "issuer.name",
    } <= names
    assert not any(n.startswith(("proof", "@context")) for n in names)
    assert item.candidate("vc-new") is None  # BBS proof type not accepted here


def test_bbs_without_limit_disclosure_shares_everything() -> None:
    view = _prompt(dif_request(limit_disclosure="preferred")).items[0].candidate("vc-new")
    assert view is not None and view.whole_credential
    assert view.statement is not None and "did not ask for selective" in view.statement


def test_filters_and_schemas_select_candidates() -> None:
    request = dif_request()
    _fields(request)[0]["filter"] = {"type": "string", "pattern": "^MSc"}
    assert _prompt(request).items[0].candidates == []
    other = w3c_credential("vc-badge", type_="OpenBadgeCredential")
    assert _prompt(candidates=[other]).items[0].candidates == []


def test_numeric_and_date_filters() -> None:
    request = dif_request()
    _fields(request).append(
        {"path": ["$.credentialSubject.score"], "filter": {"type": "number", "minimum": 70}}
    )
    high = w3c_credential("vc-high", extra={"score": 82})
    low = w3c_credential("vc-low", extra={"score": 60})
    text = w3c_credential("vc-text", extra={"score": "eighty"})
    assert [c.credential_id for c in _prompt(request, [high, low, text]).items[0].candidates] == [
        "vc-high"
    ]
    _fields(request)[-1] = {
        "path": ["$.issuanceDate"],
        "filter": {"type": "string", "format": "date", "minimum": "2024-01-01"},
    }
    found = _prompt(request).items[0].candidates
    assert {c.credential_id for c in found} == {"vc-new", "vc-ed"}


def test_optional_fields_may_be_absent() -> None:
    request = dif_request()
    _fields(request).append({"path": ["$.credentialSubject.minor"], "optional": True})
    assert _prompt(request).items[0].default_credential_id == "vc-new"


def test_expired_and_unbound_credentials_are_not_usable() -> None:
    expired = w3c_credential("vc-exp")
    expired["expirationDate"] = "2025-01-01T00:00:00Z"
    unbound = w3c_credential("vc-unbound", subject_id="urn:uuid:123")
    item = _prompt(candidates=[expired, unbound]).items[0]
    reasons = {c.credential_id: c.reasons for c in item.candidates}
    assert "expired on 2025-01-01" in reasons["vc-exp"][0]
    assert "not bound to a DID" in reasons["vc-unbound"][0]
    assert item.missing is not None and "University degree" in item.missing.sentence


def test_missing_descriptor_names_the_expected_type() -> None:
    prompt = _prompt(candidates=[])
    missing = prompt.items[0].missing
    assert missing is not None
    assert missing.schema_ids == ["https://example.org/examples#UniversityDegreeCredential"]
    assert not prompt.answerable and prompt.errors == [missing.sentence]


def test_vc_record_shape_with_expanded_types_is_accepted() -> None:
    vc = w3c_credential("vc-rec")
    record_id = vc.pop("record_id")
    entry = {
        "record_id": record_id,
        "cred_value": vc,
        "expanded_types": [
            "https://www.w3.org/2018/credentials#VerifiableCredential",
            "https://example.org/examples#UniversityDegreeCredential",
        ],
        "issuer_id": UNI_DID,
        "subject_ids": [HOLDER_BLS],
        "proof_types": ["BbsBlsSignature2020"],
    }
    assert _prompt(candidates=[entry]).items[0].default_credential_id == "vc-rec"


def _two_descriptors() -> dict[str, Any]:
    request = dif_request(
        limit_disclosure=None, proof_types=["BbsBlsSignature2020", "Ed25519Signature2018"]
    )
    descriptors = request["presentation_definition"]["input_descriptors"]
    descriptors.append(
        {
            "id": "badge_input",
            "name": "Course badge",
            "schema": [{"uri": "https://example.org/examples#CourseBadge"}],
            "constraints": {"fields": [{"path": ["$.credentialSubject.course"]}]},
        }
    )
    return request


def test_two_descriptors_default_to_the_newest_credential_each() -> None:
    badge = w3c_credential("vc-badge", type_="CourseBadge", extra={"course": "Rust 101"})
    prompt = _prompt(_two_descriptors(), [*dif_candidates(), badge])
    assert prompt.answerable
    # vc-ed (2024-08) is newer than vc-new (2024-07); subjects no longer steer the default.
    assert [i.default_credential_id for i in prompt.items] == ["vc-ed", "vc-badge"]


def test_credentials_of_different_subjects_go_in_one_presentation_signed_by_the_first() -> None:
    """Each credential has its own subject DID: ACA-Py alone would refuse to combine them."""
    badge = w3c_credential(
        "vc-badge", "Ed25519Signature2018", HOLDER_ED, type_="CourseBadge", extra={"course": "x"}
    )
    degree = w3c_credential("vc-new")
    prompt = _prompt(_two_descriptors(), [degree, badge])
    assert prompt.answerable, prompt.errors
    body = presentation_body(prompt, default_decision(prompt))
    assert body["dif"]["record_ids"] == {"degree_input": ["vc-new"], "badge_input": ["vc-badge"]}
    assert body["dif"]["issuer_id"] == HOLDER_BLS


def test_one_subject_for_all_leaves_the_signer_to_aca_py() -> None:
    prompt = _prompt(candidates=dif_candidates())
    body = presentation_body(prompt, default_decision(prompt))
    assert "issuer_id" not in body["dif"]


def test_pick_rules_make_descriptors_optional() -> None:
    request = _two_descriptors()
    descriptors = request["presentation_definition"]["input_descriptors"]
    descriptors[0]["group"], descriptors[1]["group"] = ["A"], ["A"]
    request["presentation_definition"]["submission_requirements"] = [
        {"name": "One proof", "rule": "pick", "count": 1, "from": "A"}
    ]
    prompt = _prompt(request)
    assert prompt.answerable
    assert [i.required for i in prompt.items] == [False, False]
    assert prompt.pick_rules[0].descriptor_ids == ["degree_input", "badge_input"]


def test_a_request_already_parsed_builds_the_same_prompt() -> None:
    record = exchange_record({"dif": dif_request()})
    parsed = parse_request(record)
    from_record = build_prompt(record, dif_candidates(), TRUST, "Acme HR", now=NOW)
    assert build_prompt(parsed, dif_candidates(), TRUST, "Acme HR", now=NOW) == from_record


def _without_subject_id(vc: dict[str, Any]) -> dict[str, Any]:
    """A credential requested as offered (issuance/binding.py): no subject id at all."""
    del vc["credentialSubject"]["id"]
    return vc


def test_a_credential_without_subject_id_is_usable_and_signed_by_a_fresh_did() -> None:
    request = dif_request(limit_disclosure=None, proof_types=["Ed25519Signature2018"])
    vc = _without_subject_id(w3c_credential("vc-plain", "Ed25519Signature2018"))
    prompt = _prompt(request, [vc])
    assert prompt.answerable, prompt.errors
    decision = default_decision(prompt)
    body = presentation_body(prompt, decision)
    assert body["dif"]["record_ids"] == {"degree_input": ["vc-plain"]}
    assert "issuer_id" not in body["dif"]  # made at approve time (presentation/signer.py)
    assert needs_fresh_signer(prompt, decision) and prompt.signing_key_type == "ed25519"


def test_a_credential_without_subject_id_next_to_a_bound_one_is_kept_in() -> None:
    """ACA-Py alone signs with the bound one's DID and drops the other: name the signer."""
    badge = _without_subject_id(
        w3c_credential(
            "vc-badge", "Ed25519Signature2018", type_="CourseBadge", extra={"course": "x"}
        )
    )
    degree = w3c_credential("vc-new")
    prompt = _prompt(_two_descriptors(), [degree, badge])
    decision = default_decision(prompt)
    body = presentation_body(prompt, decision)
    assert body["dif"]["record_ids"] == {"degree_input": ["vc-new"], "badge_input": ["vc-badge"]}
    assert body["dif"]["issuer_id"] == HOLDER_BLS and not needs_fresh_signer(prompt, decision)


def test_the_fresh_signers_key_suits_the_proof_aca_py_will_sign_with() -> None:
    def key_for(request: dict[str, Any]) -> str:
        return signing_key_type(
            parse_request(exchange_record({"dif": request})).dif.presentation_definition
        )

    assert key_for(dif_request()) == "bls12381g2"  # limits disclosure, BBS listed
    assert key_for(dif_request(None, ["Ed25519Signature2018"])) == "ed25519"
    assert key_for(dif_request(None, ["Ed25519Signature2020"])) == "ed25519"  # ACA-Py's default
    assert key_for(dif_request(None, ["BbsBlsSignature2020", "Ed25519Signature2018"])) == (
        "bls12381g2"
    )
    assert key_for(dif_request("required", ["Ed25519Signature2018", "BbsBlsSignature2020"])) == (
        "ed25519"  # the listed type wins over limit_disclosure, as in ACA-Py 1.7
    )
