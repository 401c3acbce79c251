"""Turns ACA-Py's two credential shapes into `StoredCredential` (pure functions, no I/O).

What comes from elsewhere (the connection's label, the schema's name, the revocation
status) is passed in, so these functions stay testable on canned records.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from agent.admin_models import AnonCredsCredentialInfo, W3CCredentialRecord
from wallet.credentials.models import CredentialStatus, StoredCredential
from wallet.credentials.status_list import status_entries
from wallet.credentials.titles import UNTITLED_ANONCREDS, type_title

ANONCREDS_PROOF = "CL"
# Values that are data rather than text (embedded images, long encodings) are not shown.
MAX_ATTRIBUTE_CHARS = 2000
MAX_ATTRIBUTES = 200
# The index keeps summaries, image included: a bigger embedded picture is dropped.
MAX_IMAGE_DATA_CHARS = 256 * 1024
MAX_IMAGE_URL_CHARS = 2000


def from_anoncreds(
    info: AnonCredsCredentialInfo,
    *,
    schema_name: str | None = None,
    issuer_label: str | None = None,
    connection_id: str | None = None,
    received: datetime | None = None,
    status: CredentialStatus | None = None,
) -> StoredCredential:
    """AnonCreds has no dates or types; its title is the schema's name."""
    revocable = bool(info.rev_reg_id and info.cred_rev_id)
    return StoredCredential(
        id=f"anoncreds:{info.referent}",
        format="anoncreds",
        proof_type=ANONCREDS_PROOF,
        issuer_did=anoncreds_issuer(info.cred_def_id),
        issuer_label=issuer_label,
        title=schema_name or _cred_def_tag(info.cred_def_id) or UNTITLED_ANONCREDS,
        received=received,
        status=status or ("unknown" if revocable else "valid"),
        attributes=dict(sorted(info.attrs.items())),
        connection_id=connection_id,
        schema_id=info.schema_id,
        schema_name=schema_name,
        cred_def_id=info.cred_def_id,
        rev_reg_id=info.rev_reg_id if revocable else None,
        cred_rev_id=info.cred_rev_id if revocable else None,
        raw=info.model_dump(),
    )


def from_w3c(
    record: W3CCredentialRecord,
    *,
    issuer_label: str | None = None,
    connection_id: str | None = None,
    received: datetime | None = None,
) -> StoredCredential:
    """W3C VC data model 1.1 and 2.0 field names, Open Badges 3.0 and our MicroCredential."""
    document = record.cred_value
    issuer = document.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    types = _as_list(document.get("type"))
    # A status the wallet cannot read (or has not asked yet) is unknown, never "valid".
    lists = status_entries(document)
    status: CredentialStatus = "unknown" if document.get("credentialStatus") else "valid"
    return StoredCredential(
        id=f"w3c:{record.record_id}",
        format="w3c",
        proof_type=_proof_type(document, record.proof_types),
        issuer_did=str(issuer_did or record.issuer_id or "") or None,
        issuer_label=issuer_label or (str(issuer_name) if issuer_name else None),
        types=[str(kind) for kind in types],
        title=w3c_title(document, types),
        issued=parse_date(document.get("issuanceDate") or document.get("validFrom")),
        expires=parse_date(document.get("expirationDate") or document.get("validUntil")),
        received=received,
        status=status,
        status_lists=lists,
        attributes=flatten(document.get("credentialSubject")),
        connection_id=connection_id,
        image=badge_image(document),
        raw=document,
    )


def w3c_title(document: dict[str, Any], types: list[Any]) -> str:
    """The name a learner knows: the achievement, the course, the credential's own name."""
    for subject in _as_list(document.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        achievement = subject.get("achievement")
        if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
            return achievement["name"]
        if isinstance(subject.get("courseTitle"), str):
            return subject["courseTitle"]
    if isinstance(document.get("name"), str):
        return document["name"]
    return type_title(types)


def badge_image(document: dict[str, Any]) -> str | None:
    """The Open Badges 3.0 achievement's image, else the subject's, else the credential's.

    Either may be a URI string or an Image object `{"id": ...}`. Embedded `data:image/`
    pictures are kept up to MAX_IMAGE_DATA_CHARS (the index must stay small); http(s)
    URLs are kept only so the screen can say a picture exists: it never loads them.
    """
    candidates: list[Any] = []
    for subject in _as_list(document.get("credentialSubject")):
        if isinstance(subject, dict):
            achievement = subject.get("achievement")
            if isinstance(achievement, dict):
                candidates.append(achievement.get("image"))
            candidates.append(subject.get("image"))  # AchievementSubject's own picture
    candidates.append(document.get("image"))
    for candidate in candidates:
        uri = candidate.get("id") if isinstance(candidate, dict) else candidate
        if isinstance(uri, str) and (image := _usable_image(uri.strip())):
            return image
    return None


def _usable_image(uri: str) -> str | None:
    if uri[:11].lower() == "data:image/":
        return uri if len(uri) <= MAX_IMAGE_DATA_CHARS else None
    if uri[:8].lower() == "https://" or uri[:7].lower() == "http://":
        return uri if len(uri) <= MAX_IMAGE_URL_CHARS else None
    return None


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested claims as dotted paths (`achievement.name`, `skills[0]`) to display strings."""
    flat: dict[str, str] = {}
    _flatten_into(flat, value, prefix)
    return flat


def _flatten_into(flat: dict[str, str], value: Any, path: str) -> None:
    if len(flat) >= MAX_ATTRIBUTES:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten_into(flat, item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        if len(value) == 1 and path:
            _flatten_into(flat, value[0], path)
            return
        for index, item in enumerate(value):
            _flatten_into(flat, item, f"{path}[{index}]")
    elif value is not None:
        text = value if isinstance(value, str) else json.dumps(value)
        if len(text) <= MAX_ATTRIBUTE_CHARS and not text.startswith("data:"):
            flat[path or "value"] = text


def anoncreds_issuer(cred_def_id: str) -> str | None:
    """The issuer from the credential definition id (did:web style or legacy Indy)."""
    if cred_def_id.startswith("did:"):
        return cred_def_id.split("?", 1)[0].split("/", 1)[0]
    parts = cred_def_id.split(":")
    if len(parts) >= 2 and parts[1] == "3":
        return f"did:sov:{parts[0]}"
    return None


def _cred_def_tag(cred_def_id: str) -> str | None:
    parts = cred_def_id.split(":")
    return parts[-1] if len(parts) >= 5 and parts[1] == "3" else None


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 with `Z` or an offset; a date without a zone is read as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _proof_type(document: dict[str, Any], proof_types: list[str]) -> str | None:
    for proof in _as_list(document.get("proof")):
        if isinstance(proof, dict) and proof.get("type"):
            return str(proof["type"])
    return proof_types[0] if proof_types else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
