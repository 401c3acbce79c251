"""Reading a credential file and refusing, before ACA-Py is asked, what it cannot verify offline."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from wallet.credentials.importing.checks import check_before_verifying
from wallet.credentials.importing.files import MAX_CREDENTIALS, MAX_FILE_BYTES, credentials_in
from wallet.credentials.importing.refusals import ImportRefused
from wallet.credentials.importing.verification import _short, reason_of

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
KNOWN = frozenset({CREDENTIALS_V1, OB3, ED25519_2020})
ISSUER = "did:key:z6MkpXJWYFZdcK9t3T7oztCBJqRLkVDfDpaZGJDZCBy6j2nd"
BADGE: dict[str, Any] = {
    "@context": [CREDENTIALS_V1, OB3, ED25519_2020],
    "id": "urn:uuid:0b8e3c1e-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Open Learning Institute"},
    "issuanceDate": "2025-07-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {"id": "urn:a:1", "type": ["Achievement"], "name": "Welding 1"},
    },
    "proof": {
        "type": "Ed25519Signature2020",
        "created": "2025-07-01T00:00:01Z",
        "verificationMethod": f"{ISSUER}#{ISSUER.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22",
    },
}
JWT = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl"
ENVELOPED = {"type": "EnvelopedVerifiableCredential", "id": f"data:application/vc+jwt,{JWT}"}
EMPTY_PRESENTATION = {"type": ["VerifiablePresentation"], "verifiableCredential": []}


def _bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def _refusal(content: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        credentials_in(content)
    return caught.value.reason


def test_one_credential_a_presentation_a_list_and_an_issuer_answer_are_read() -> None:
    other = {**BADGE, "id": "urn:uuid:other"}
    presentation = {
        "@context": [CREDENTIALS_V1],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [BADGE, other],
        "proof": {"type": "Ed25519Signature2018"},
    }
    assert credentials_in(_bytes(BADGE)) == [BADGE]
    assert credentials_in(b"\xef\xbb\xbf" + _bytes(BADGE)) == [BADGE]  # a BOM is fine
    assert credentials_in(_bytes(presentation)) == [BADGE, other]
    assert credentials_in(_bytes([BADGE, other])) == [BADGE, other]
    assert credentials_in(_bytes({"verifiableCredential": BADGE})) == [BADGE]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe not text", "not_json"),
        (b"<html>a badge page</html>", "not_json"),
        (b'{"type": ', "not_json"),
        (JWT.encode(), "jwt"),
        (_bytes(JWT), "jwt"),
        (_bytes({"vc": {"type": ["VerifiableCredential"]}, "iss": "did:web:x"}), "jwt"),
        (_bytes(ENVELOPED), "jwt"),
        (_bytes({"name": "my notes"}), "not_credential"),
        (_bytes([1, 2, 3]), "not_credential"),
        (_bytes(EMPTY_PRESENTATION), "not_credential"),
        (_bytes([BADGE] * (MAX_CREDENTIALS + 1)), "too_many"),
    ],
)
def test_files_that_hold_no_credential_we_can_read_are_refused(content: bytes, reason: str) -> None:
    assert _refusal(content) == reason


def test_a_file_over_the_limit_is_never_parsed() -> None:
    with pytest.raises(ValueError):
        credentials_in(b" " * (MAX_FILE_BYTES + 1))


def _changed(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(BADGE)
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def _precheck(document: dict[str, Any], known: frozenset[str] | None = KNOWN) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        check_before_verifying(document, known)
    return caught.value


def test_a_good_credential_passes_the_checks_before_verifying() -> None:
    check_before_verifying(BADGE, KNOWN)
    check_before_verifying(BADGE, None)  # the agent could not list its contexts


def test_what_cannot_be_verified_offline_is_refused_with_its_reason() -> None:
    proof = BADGE["proof"]
    assert _precheck(_changed(proof=None)).reason == "no_proof"
    assert _precheck(_changed(type=["OpenBadgeCredential"])).reason == "not_credential"
    assert _precheck(_changed(credentialSubject=None)).reason == "not_credential"
    data_integrity = {**proof, "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    refused = _precheck(_changed(proof=data_integrity))
    assert refused.reason == "unsupported_proof" and "eddsa-rdfc-2022" in (refused.detail or "")
    did_web = {**proof, "verificationMethod": "did:web:badges.example#key-1"}
    refused = _precheck(_changed(proof=did_web))
    assert refused.reason == "key_not_offline" and refused.detail == "signing key at did:web"
    https_key = {**proof, "verificationMethod": "https://badges.example/keys/1"}
    assert _precheck(_changed(proof=https_key)).reason == "key_not_offline"
    unknown = [*BADGE["@context"], "https://registrar.example/contexts/v1"]
    refused = _precheck(_changed(**{"@context": unknown}))
    assert refused.reason == "unknown_vocabulary"
    assert "https://registrar.example/contexts/v1" in (refused.detail or "")
    assert _precheck(_changed(id="urn:" + "x" * 300)).reason == "id_too_long"


def test_acapy_reasons_are_named_and_its_quoted_document_is_cut_off() -> None:
    tampered = (
        "Invalid signature on document {'@context': ['https://www.w3.org/2018/credentials/v1'], "
        "'credentialSubject': {'score': 99, 'learnerName': 'Alice Example'}}"
    )
    assert reason_of([tampered]) == "tampered"
    assert _short(tampered) == "Invalid signature"
    assert reason_of(["('Could not expand input before compaction.',)"]) == "unknown_vocabulary"
    assert reason_of(["1 attributes dropped. ['credentialSubject.x']"]) == "unknown_vocabulary"
    assert reason_of(["something new"]) == "not_verified"
