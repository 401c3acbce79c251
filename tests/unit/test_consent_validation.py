"""Hostile and over-asking requests: refused clearly, or flagged in the prompt."""

from typing import Any

import pytest

from protocols.consent import HostileRequestError, build_prompt, parse_request
from protocols.consent.validation import over_asking
from tests.unit.test_consent_fixtures import (
    NOW,
    TRUST,
    anoncreds_candidates,
    anoncreds_request,
    dif_candidates,
    dif_request,
    exchange_record,
)


def _refused(by_format: dict[str, Any], match: str) -> None:
    with pytest.raises(HostileRequestError, match=match):
        build_prompt(exchange_record(by_format), [], TRUST, "Stranger", now=NOW)


def test_a_thousand_attributes_are_refused() -> None:
    request = anoncreds_request()
    request["requested_attributes"] = {f"attr_{i}": {"name": f"a{i}"} for i in range(1000)}
    _refused({"anoncreds": request}, "asks for 1001 items")


def test_too_many_names_in_groups_are_refused() -> None:
    request = anoncreds_request()
    request["requested_attributes"]["1_degree_uuid"]["names"] = [f"n{i}" for i in range(150)]
    _refused({"anoncreds": request}, "names 152 attributes")


def test_an_unknown_format_is_refused() -> None:
    _refused({"vc+sd-jwt": {"presentation_definition": {}}}, r"does not support \(vc\+sd-jwt\)")


def test_an_empty_request_is_refused() -> None:
    _refused({}, "no request")
    request = anoncreds_request()
    request["requested_attributes"], request["requested_predicates"] = {}, {}
    _refused({"anoncreds": request}, "does not ask for anything")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"name": "name", "names": ["a"]}, "exactly one"),
        ({"restrictions": [{"cred_def_id": "x"}]}, "exactly one"),
        ({"name": ""}, "unreadable attribute name"),
        ({"name": "x" * 500}, "unreadable attribute name"),
    ],
)
def test_malformed_attributes_are_refused(change: dict[str, Any], match: str) -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"] = change
    _refused({"anoncreds": request}, match)


@pytest.mark.parametrize(
    "predicate",
    [
        {"name": "score", "p_type": "==", "p_value": 70},
        {"name": "score", "p_type": ">=", "p_value": "seventy"},
        {"name": "score", "p_type": ">="},
    ],
)
def test_malformed_predicates_are_refused(predicate: dict[str, Any]) -> None:
    request = anoncreds_request()
    request["requested_predicates"]["2_score_GE_uuid"] = predicate
    _refused({"anoncreds": request}, "malformed")


def test_limit_disclosure_without_bbs_is_refused() -> None:
    request = dif_request(proof_types=["Ed25519Signature2018"])
    _refused({"dif": request}, "does not accept BBS")


def test_unknown_proof_types_and_dif_formats_are_refused() -> None:
    _refused({"dif": dif_request(proof_types=["JsonWebSignature2020"])}, "cannot produce")
    request = dif_request()
    request["presentation_definition"]["format"] = {"jwt_vp": {"alg": ["EdDSA"]}}
    _refused({"dif": request}, r"does not support \(jwt_vp\)")


@pytest.mark.parametrize(
    "path",
    [
        "$..degree",
        "$.credentialSubject[?(@.degree)]",
        "$.credentialSubject.degree.`str()`",
        "credentialSubject.degree",
    ],
)
def test_malformed_paths_are_refused(path: str) -> None:
    request = dif_request()
    request["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"][0][
        "path"
    ] = [path]
    _refused({"dif": request}, "does not accept")


def test_paths_into_the_proof_are_refused() -> None:
    request = dif_request()
    fields = request["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"]
    fields[0]["path"] = ["$.proof.proofValue"]
    _refused({"dif": request}, "proof itself")


@pytest.mark.parametrize("pattern", ["(a+)+$", "x" * 200, "([a-z]*)*", "(unclosed"])
def test_dangerous_patterns_are_refused(pattern: str) -> None:
    request = dif_request()
    fields = request["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"]
    fields[0]["filter"] = {"type": "string", "pattern": pattern}
    _refused({"dif": request}, "pattern")


def test_nested_submission_requirements_are_refused() -> None:
    request = dif_request()
    request["presentation_definition"]["submission_requirements"] = [
        {"rule": "pick", "count": 1, "from_nested": [{"rule": "all", "from": "A"}]}
    ]
    _refused({"dif": request}, "combines its parts")


def test_duplicate_descriptor_ids_are_refused() -> None:
    request = dif_request()
    descriptors = request["presentation_definition"]["input_descriptors"]
    descriptors.append(descriptors[0])
    _refused({"dif": request}, "repeats")


def test_a_credo_decimal_challenge_is_accepted_and_carried() -> None:
    challenge = "1234567890123456789012345678901234567890123456789"
    record = exchange_record({"dif": dif_request(challenge=challenge)})
    assert parse_request(record).dif.options.challenge == challenge  # type: ignore[union-attr]
    prompt = build_prompt(record, dif_candidates(), TRUST, "Credo verifier", now=NOW)
    assert prompt.challenge == challenge
    assert prompt.domain == "acme.example"
    assert prompt.answerable


def test_indy_key_is_recognised() -> None:
    request = parse_request(exchange_record({"indy": anoncreds_request()}))
    assert request.anoncreds_key == "indy"
    assert request.formats == ["indy"]


def test_many_attributes_are_flagged() -> None:
    request = anoncreds_request()
    request["requested_attributes"] = {f"r{i}": {"name": f"course_{i}"} for i in range(11)}
    flags = over_asking(parse_request(exchange_record({"anoncreds": request})))
    assert flags.too_many and flags.flagged
    assert flags.attribute_count == 11
    assert "11 pieces" in flags.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "birthdate",
        "Date_Of_Birth",
        "DOB",
        "birth date",
        "home_address",
        "streetAddress",
        "passport_number",
        "SSN",
        "national-id",
        "NationalIdentityNumber",
    ],
)
def test_sensitive_names_are_flagged_loosely(name: str) -> None:
    request = anoncreds_request()
    request["requested_attributes"]["0_name_uuid"] = {"name": name}
    prompt = build_prompt(
        exchange_record({"anoncreds": request}), anoncreds_candidates(), TRUST, "x", now=NOW
    )
    assert prompt.over_asking.sensitive == [name]
    assert prompt.items[0].sensitive_names == [name]
    assert "sensitive" in prompt.over_asking.messages[0]


def test_predicates_and_ordinary_names_are_not_flagged() -> None:
    request = anoncreds_request()
    request["requested_predicates"]["2_score_GE_uuid"]["name"] = "birthdate_dateint"
    flags = over_asking(parse_request(exchange_record({"anoncreds": request})))
    assert not flags.flagged
    assert flags.messages == []


def test_dif_field_names_count_towards_over_asking() -> None:
    request = dif_request()
    fields = request["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"]
    fields.append({"path": ["$.credentialSubject.birthDate"]})
    flags = over_asking(parse_request(exchange_record({"dif": request})))
    assert flags.sensitive == ["birthDate"]
