"""What the demo's employer asks for, and what it got: the two proof requests of the story.

Request 1 (AnonCreds): the course title revealed, and only the predicate "score >= 70".
Request 2 (DIF, BBS, `limit_disclosure: required`): two fields of the flat micro-credential.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel

from demo.peer_credentials import SAMPLE_MICROCREDENTIAL

MICROCREDENTIAL_TYPE = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
PASS_MARK = 70
COURSE_RESULT = {
    "course_title": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": "87",
    "completion_date": "2025-06-30",
    "learner_name": "Alex Learner",
}
DIF_FIELDS = ("courseTitle", "completionDate")
RequestKind = Literal["anoncreds", "dif"]


class ProofResult(BaseModel):
    """The employer's side of one presentation: did it verify, what came, what stayed hidden."""

    kind: RequestKind
    name: str
    state: str  # the verifier's record state: request-sent ... done | abandoned
    verified: bool | None = None  # None until the verifier has decided
    received: dict[str, str] = {}  # field -> value the employer saw
    proved: list[str] = []  # predicates proved without the value, e.g. "score >= 70"
    hidden: list[str] = []  # fields of the credential the employer did not get

    @property
    def finished(self) -> bool:
        return self.state in ("done", "abandoned")


def course_request(cred_def_id: str) -> dict[str, Any]:
    """Request 1 as `request_proof_anoncreds` keyword arguments."""
    ours = [{"cred_def_id": cred_def_id}]
    return {
        "requested_attributes": {"course": {"name": "course_title", "restrictions": ours}},
        "requested_predicates": {
            "passed": {"name": "score", "p_type": ">=", "p_value": PASS_MARK, "restrictions": ours}
        },
        "name": "Course passed",
        "comment": "To confirm you passed the course (we do not need your exact score)",
    }


def skills_definition() -> dict[str, Any]:
    """Request 2: a DIF presentation definition for two BBS-disclosable fields."""
    return {
        "id": str(uuid.uuid4()),
        "name": "Course and completion date",
        "purpose": "We check which course you completed and when.",
        "format": {"ldp_vp": {"proof_type": ["BbsBlsSignature2020"]}},
        "input_descriptors": [
            {
                "id": "microcredential",
                "name": "Micro-credential",
                "schema": [{"uri": MICROCREDENTIAL_TYPE}],
                "constraints": {
                    "limit_disclosure": "required",
                    "fields": [{"path": [f"$.credentialSubject.{f}"]} for f in DIF_FIELDS],
                },
            }
        ],
    }


def anoncreds_result(record: dict[str, Any]) -> ProofResult:
    """Read request 1's verifier record: revealed values, proved predicates, the rest hidden."""
    presentation = record.get("by_format", {}).get("pres", {}).get("anoncreds", {})
    revealed = presentation.get("requested_proof", {}).get("revealed_attrs", {})
    request = record.get("by_format", {}).get("pres_request", {}).get("anoncreds", {})
    names = {
        ref: spec.get("name", ref) for ref, spec in request.get("requested_attributes", {}).items()
    }
    received = {names.get(ref, ref): str(v.get("raw", "")) for ref, v in revealed.items()}
    proved = [
        f"{p['name']} {p['p_type']} {p['p_value']}"
        for p in request.get("requested_predicates", {}).values()
    ]
    hidden = [name for name in COURSE_RESULT if name not in received]
    return ProofResult(
        kind="anoncreds",
        name=str(request.get("name", "")),
        state=str(record.get("state", "")),
        verified=_verified(record),
        received=received if presentation else {},
        proved=proved if presentation else [],
        hidden=hidden if presentation else [],
    )


def dif_result(record: dict[str, Any]) -> ProofResult:
    """Read request 2's verifier record: the subject fields of the derived credential."""
    presentation = record.get("by_format", {}).get("pres", {}).get("dif", {})
    credentials = presentation.get("verifiableCredential", []) if presentation else []
    subject = credentials[0].get("credentialSubject", {}) if credentials else {}
    received = {k: str(v) for k, v in subject.items() if k not in ("id", "type")}
    request = record.get("by_format", {}).get("pres_request", {}).get("dif", {})
    definition = request.get("presentation_definition", {})
    return ProofResult(
        kind="dif",
        name=str(definition.get("name", "")),
        state=str(record.get("state", "")),
        verified=_verified(record),
        received=received,
        hidden=[k for k in SAMPLE_MICROCREDENTIAL if k not in received] if credentials else [],
    )


def _verified(record: dict[str, Any]) -> bool | None:
    if record.get("state") == "abandoned":
        return False
    value = record.get("verified")
    return None if value is None else str(value).lower() == "true"
