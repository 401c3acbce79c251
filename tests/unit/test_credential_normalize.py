"""Normalization of each stored-credential shape ACA-Py returns."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.admin_models import AnonCredsCredentialInfo, W3CCredentialRecord
from wallet.credentials.models import CredentialId
from wallet.credentials.normalize import anoncreds_issuer, flatten, from_anoncreds, from_w3c

ISSUER_WEB = "did:web:127.0.0.1%3A8443:issuers:oli"
CRED_DEF = f"{ISSUER_WEB}?service=anoncreds&relativeRef=/credDef/7Yh"
REV_REG = f"{ISSUER_WEB}?service=anoncreds&relativeRef=/revRegDef/9Qp"


def anoncreds_info(**changes: object) -> AnonCredsCredentialInfo:
    body = {
        "referent": "0c5d-ref",
        "schema_id": f"{ISSUER_WEB}?service=anoncreds&relativeRef=/schema/3Ab",
        "cred_def_id": CRED_DEF,
        "rev_reg_id": REV_REG,
        "cred_rev_id": "4",
        "attrs": {"score": "87", "course_title": "Data Literacy"},
    }
    return AnonCredsCredentialInfo.model_validate({**body, **changes})


def w3c_record(document: dict[str, object], **changes: object) -> W3CCredentialRecord:
    body = {
        "record_id": "abc123",
        "cred_value": document,
        "issuer_id": "did:key:z6MkFallback",
        "proof_types": ["Ed25519Signature2020"],
    }
    return W3CCredentialRecord.model_validate({**body, **changes})


def test_anoncreds_with_schema_name_cred_def_issuer_and_attributes() -> None:
    received = datetime(2026, 1, 2, tzinfo=UTC)
    credential = from_anoncreds(
        anoncreds_info(),
        schema_name="Course result",
        issuer_label="Open Learning Institute",
        connection_id="conn-1",
        received=received,
    )
    assert credential.id == "anoncreds:0c5d-ref"
    assert (credential.format, credential.proof_type) == ("anoncreds", "CL")
    assert credential.issuer_did == ISSUER_WEB
    assert credential.issuer_label == "Open Learning Institute"
    assert (credential.title, credential.schema_name) == ("Course result", "Course result")
    assert credential.cred_def_id == CRED_DEF
    assert (credential.rev_reg_id, credential.cred_rev_id) == (REV_REG, "4")
    assert credential.attributes == {"course_title": "Data Literacy", "score": "87"}
    assert credential.status == "unknown"  # revocable, status list not asked
    assert credential.received == received and credential.issued is None
    assert credential.raw is not None and credential.raw["referent"] == "0c5d-ref"
    assert credential.sort_key == received.isoformat()


def test_anoncreds_not_revocable_is_valid_and_legacy_ids_are_read() -> None:
    info = anoncreds_info(
        rev_reg_id=None,
        cred_rev_id=None,
        schema_id="Th7MpTaRZVRYnPiabds81Y:2:degree:1.0",
        cred_def_id="Th7MpTaRZVRYnPiabds81Y:3:CL:12:tag",
    )
    credential = from_anoncreds(info, status=None)
    assert credential.status == "valid" and not credential.revocable
    assert credential.issuer_did == "did:sov:Th7MpTaRZVRYnPiabds81Y"
    assert credential.title == "tag"
    assert from_anoncreds(info, status="revoked").status == "revoked"
    assert anoncreds_issuer("no-idea") is None


def test_micro_credential_ed25519() -> None:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "MicroCredential"],
        "issuer": "did:key:z6MkIssuer",
        "issuanceDate": "2025-06-30T10:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkHolder",
            "courseTitle": "Welding Basics",
            "score": 87,
            "skills": ["arc", "gas"],
        },
        "proof": {"type": "Ed25519Signature2020"},
    }
    credential = from_w3c(w3c_record(document), issuer_label="Campus")
    assert credential.id == "w3c:abc123"
    assert (credential.format, credential.proof_type) == ("w3c", "Ed25519Signature2020")
    assert credential.issuer_did == "did:key:z6MkIssuer"
    assert credential.issuer_label == "Campus"
    assert credential.types == ["VerifiableCredential", "MicroCredential"]
    assert credential.title == "Welding Basics"
    assert credential.issued == datetime(2025, 6, 30, 10, tzinfo=UTC)
    assert credential.expires == datetime(2030, 1, 1, tzinfo=UTC)
    assert credential.status == "valid"
    assert credential.attributes == {
        "id": "did:key:z6MkHolder",
        "courseTitle": "Welding Basics",
        "score": "87",
        "skills[0]": "arc",
        "skills[1]": "gas",
    }
    assert credential.raw == document


def test_open_badge_title_issuer_name_and_nested_paths() -> None:
    document = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6MkOb", "type": ["Profile"], "name": "Badge Academy"},
        "validFrom": "2025-01-01T00:00:00+01:00",
        "validUntil": "2025-02-01T00:00:00Z",
        "name": "Badge name",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"name": "Data Literacy", "criteria": {"narrative": "Pass"}},
            "image": "data:image/png;base64,AAAA",
        },
        "proof": [{"type": "BbsBlsSignature2020"}],
        "credentialStatus": {"type": "StatusList2021Entry"},
    }
    credential = from_w3c(w3c_record(document))
    assert credential.title == "Data Literacy"
    assert credential.issuer_label == "Badge Academy"
    assert credential.issuer_did == "did:key:z6MkOb"
    assert credential.proof_type == "BbsBlsSignature2020"
    assert credential.attributes == {
        "type": "AchievementSubject",
        "achievement.name": "Data Literacy",
        "achievement.criteria.narrative": "Pass",
    }
    assert credential.status == "unknown"  # a status list we do not check yet
    later = datetime(2026, 1, 1, tzinfo=UTC)
    assert credential.as_of(later).status == "expired"
    assert credential.as_of(datetime(2025, 1, 15, tzinfo=UTC)).status == "unknown"


def test_w3c_fallbacks_title_from_type_issuer_from_record() -> None:
    document = {
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuanceDate": "not a date",
        "credentialSubject": [{"degree": {"name": "BSc"}}, {"x": 1}],
    }
    credential = from_w3c(w3c_record(document))
    assert credential.title == "University degree credential"  # one way on every screen (titles.py)
    assert credential.issuer_did == "did:key:z6MkFallback"
    assert credential.proof_type == "Ed25519Signature2020"
    assert credential.issued is None
    assert credential.attributes == {"[0].degree.name": "BSc", "[1].x": "1"}
    assert from_w3c(w3c_record({"type": "VerifiableCredential"})).title == ("Verifiable credential")


def test_flatten_and_ids() -> None:
    assert flatten({"a": {"b": [1, {"c": True}]}, "n": None}) == {"a.b[0]": "1", "a.b[1].c": "true"}
    assert flatten("plain") == {"value": "plain"}
    assert str(CredentialId.parse("w3c:abc")) == "w3c:abc"
    assert CredentialId.parse("anoncreds:a:b") == CredentialId(format="anoncreds", acapy_id="a:b")
    for bad in ("abc", "w3c:", "indy:1", "", "w3c:" + "x" * 300):
        assert CredentialId.parse(bad) is None
