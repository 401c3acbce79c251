"""Candidate credentials as ``GET /present-proof-2.0/records/{id}/credentials`` returns them.

ACA-Py 1.7 returns one flat list mixing two shapes: AnonCreds matches
(``{"cred_info": {...}, "interval": ..., "presentation_referents": [...]}``) and, for DIF
requests, the stored W3C credential itself with ``record_id`` added. A VCRecord-shaped
dict (``{"record_id", "cred_value", "expanded_types", ...}`` from ``/credentials/w3c``)
is accepted too, because its expanded types let schema filters match exactly.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .request import NonRevoked

BBS_PROOF = "BbsBlsSignature2020"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AnonCredsCredentialInfo(_Model):
    """ACA-Py's ``cred_info``: raw attribute values plus the ledger identifiers."""

    referent: str
    schema_id: str
    cred_def_id: str
    rev_reg_id: str | None = None
    cred_rev_id: str | None = None
    attrs: dict[str, str] = Field(default_factory=dict)


class AnonCredsCandidate(_Model):
    """An AnonCreds credential and the request referents ACA-Py found it fits."""

    cred_info: AnonCredsCredentialInfo
    interval: NonRevoked | None = None
    presentation_referents: list[str] = Field(default_factory=list)
    revoked: bool = False
    position: int = 0

    @property
    def credential_id(self) -> str:
        """The wallet id that ``send-presentation`` expects as ``cred_id``."""
        return self.cred_info.referent


class W3CCandidate(_Model):
    """A stored W3C credential; ``record_id`` is what DIF ``record_ids`` expects."""

    record_id: str
    credential: dict[str, Any]
    expanded_types: list[str] = Field(default_factory=list)
    revoked: bool = False
    position: int = 0

    @property
    def credential_id(self) -> str:
        """The wallet id used in the DIF ``record_ids`` mapping."""
        return self.record_id

    @property
    def proof_types(self) -> list[str]:
        """Signature suites on the credential (a proof may be one object or a list)."""
        proofs = self.credential.get("proof") or []
        proofs = [proofs] if isinstance(proofs, dict) else proofs
        return [str(p.get("type")) for p in proofs if isinstance(p, dict)]

    @property
    def is_bbs(self) -> bool:
        """Only BBS+ signatures let the holder derive a proof with fewer fields."""
        return BBS_PROOF in self.proof_types

    @property
    def issuer_id(self) -> str | None:
        """The issuer DID, whether ``issuer`` is a string or an object."""
        issuer = self.credential.get("issuer")
        return str(issuer.get("id")) if isinstance(issuer, dict) else issuer

    @property
    def subjects(self) -> list[dict[str, Any]]:
        """``credentialSubject`` as a list, whichever form the issuer used."""
        subject = self.credential.get("credentialSubject") or []
        return [subject] if isinstance(subject, dict) else list(subject)

    @property
    def subject_ids(self) -> list[str]:
        """Subject ids; the presentation is signed with the key of one of them."""
        return [str(s["id"]) for s in self.subjects if isinstance(s.get("id"), str)]

    @property
    def types(self) -> list[str]:
        """The compact ``type`` values, e.g. ``["VerifiableCredential", "Degree"]``."""
        value = self.credential.get("type") or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def date(self, *keys: str) -> datetime | None:
        """The first parseable date among the given top-level keys."""
        for key in keys:
            parsed = parse_date(self.credential.get(key))
            if parsed:
                return parsed
        return None


type Candidate = AnonCredsCandidate | W3CCandidate


class CandidateSet(_Model):
    """The candidates split by kind, in the order ACA-Py returned them."""

    anoncreds: list[AnonCredsCandidate] = Field(default_factory=list)
    w3c: list[W3CCandidate] = Field(default_factory=list)


def parse_candidates(raw: Sequence[Mapping[str, Any]]) -> CandidateSet:
    """Split the route's mixed list; later entries are newer (storage order)."""
    anoncreds: dict[str, AnonCredsCandidate] = {}
    w3c: dict[str, W3CCandidate] = {}
    for position, entry in enumerate(raw):
        if "cred_info" in entry:
            candidate = AnonCredsCandidate.model_validate({**entry, "position": position})
            anoncreds[candidate.credential_id] = _merge_referents(
                anoncreds.get(candidate.credential_id), candidate
            )
        elif "record_id" in entry:
            w3c_candidate = _w3c_from(entry, position)
            w3c.setdefault(w3c_candidate.record_id, w3c_candidate)
    return CandidateSet(anoncreds=list(anoncreds.values()), w3c=list(w3c.values()))


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date as an aware datetime; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _merge_referents(
    known: AnonCredsCandidate | None, new: AnonCredsCandidate
) -> AnonCredsCandidate:
    """Paging the route returns one credential once per page it matches: merge them."""
    if known is None:
        return new
    referents = sorted({*known.presentation_referents, *new.presentation_referents})
    return known.model_copy(update={"presentation_referents": referents})


def _w3c_from(entry: Mapping[str, Any], position: int) -> W3CCandidate:
    if isinstance(entry.get("cred_value"), dict):
        credential = dict(entry["cred_value"])
        expanded = [str(t) for t in entry.get("expanded_types") or []]
    else:
        credential = {k: v for k, v in entry.items() if k not in ("record_id", "revoked")}
        expanded = []
    return W3CCandidate(
        record_id=str(entry["record_id"]),
        credential=credential,
        expanded_types=expanded,
        revoked=bool(entry.get("revoked", False)),
        position=position,
    )
