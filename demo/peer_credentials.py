"""The W3C credentials the demo issuer offers: a micro-credential and an Open Badge 3.0.

No `credentialSubject.id`: the learner's wallet binds its own did:key when it accepts.
ACA-Py adds the proof suite's context (ed25519-2020 or bbs/v1) itself.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
MICROCREDENTIAL_V1 = "https://learner-wallet.example/contexts/microcredential/v1"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
LdKind = Literal["ed25519", "bbs", "openbadge"]
PROOF_TYPES: dict[LdKind, str] = {
    "ed25519": "Ed25519Signature2020",
    "bbs": "BbsBlsSignature2020",
    "openbadge": "Ed25519Signature2020",
}

SAMPLE_MICROCREDENTIAL: dict[str, Any] = {
    "courseTitle": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": 87,
    "completionDate": "2025-06-30",
    "credits": 5,
    "level": "EQF 5",
}
SAMPLE_BADGE: dict[str, Any] = {
    "achievement": {
        "id": "https://learner-wallet.example/achievements/data-literacy",
        "type": ["Achievement"],
        "name": "Data Literacy Foundations",
        "description": "Reads, questions and presents data responsibly.",
        "criteria": {"narrative": "Passed the final assessment with at least 70%."},
    }
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def microcredential(issuer_did: str, subject: dict[str, Any]) -> dict[str, Any]:
    """A flat micro-credential: BBS can disclose each subject field on its own."""
    return {
        "@context": [CREDENTIALS_V1, MICROCREDENTIAL_V1],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "MicroCredential"],
        "issuer": issuer_did,
        "issuanceDate": _now(),
        "credentialSubject": dict(subject),
    }


def open_badge(issuer_did: str, issuer_name: str, subject: dict[str, Any]) -> dict[str, Any]:
    """An Open Badges 3.0 `OpenBadgeCredential` over credentials v1."""
    return {
        "@context": [CREDENTIALS_V1, OPEN_BADGES_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name},
        "issuanceDate": _now(),
        "name": str(subject.get("achievement", {}).get("name", "Open Badge")),
        "credentialSubject": {"type": ["AchievementSubject"], **subject},
    }


def ld_offer_filter(
    kind: LdKind, issuer_did: str, issuer_name: str, subject: dict[str, Any]
) -> dict[str, Any]:
    """The `filter` of `/issue-credential-2.0/send-offer` for one ld_proof credential."""
    if kind == "openbadge":
        credential = open_badge(issuer_did, issuer_name, subject)
    else:
        credential = microcredential(issuer_did, subject)
    return {"ld_proof": {"credential": credential, "options": {"proofType": PROOF_TYPES[kind]}}}
