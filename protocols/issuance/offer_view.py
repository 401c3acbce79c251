"""Build the learner's view of an offer from ACA-Py's record (pure functions, no I/O).

The offer body lives under `by_format.cred_offer.<format>`; AnonCreds values come from the
credential preview, W3C values from `credentialSubject`, flattened to dotted paths.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent.admin_models import CredentialExchangeDetail, CredentialExchangeRecord
from protocols.issuance.models import (
    CredentialOffer,
    OfferFormat,
    OfferNote,
    OfferState,
    OfferValue,
    Scalar,
)
from wallet.credentials.normalize import w3c_title
from wallet.credentials.source import stored_id_of
from wallet.credentials.titles import UNTITLED_ANONCREDS

ANONCREDS_FORMATS = ("anoncreds", "indy")
DECLINE_PREFIX = "created problem report: "


def offer_view(
    detail: CredentialExchangeDetail,
    issuer_label: str | None,
    note: OfferNote | None = None,
    schema_name: str | None = None,
) -> CredentialOffer:
    """The offer as the learner sees it, whatever state the exchange is in."""
    record = detail.cred_ex_record
    offer_format, body = offer_body(record)
    state, failure, decline_reason = offer_state(record, note)
    view = CredentialOffer(
        id=record.cred_ex_id,
        state=state,
        exchange_state=record.state,
        issuer_label=issuer_label,
        issuer_did=None,
        connection_id=record.connection_id,
        thread_id=record.thread_id,
        format=offer_format,
        title="Credential",
        comment=_comment(record),
        received_at=parse_time(record.created_at),
        updated_at=parse_time(record.updated_at),
        holder_did=(note.holder_did if note else None) or _bound_subject(record),
        credential_id=stored_id_of(detail),
        failure=failure,
        decline_reason=decline_reason,
        auto_accepted=bool(note and note.auto),
    )
    if offer_format == "ld_proof":
        return _with_ld_proof(view, body)
    if offer_format == "anoncreds":
        return _with_anoncreds(view, record, body, schema_name)
    return view


def offer_body(record: CredentialExchangeRecord) -> tuple[OfferFormat, dict[str, Any]]:
    """Which format the offer uses, and its body."""
    offers = record.by_format.get("cred_offer") or {}
    if isinstance(offers.get("ld_proof"), dict):
        return "ld_proof", offers["ld_proof"]
    for name in ANONCREDS_FORMATS:
        if isinstance(offers.get(name), dict):
            return "anoncreds", offers[name]
    return "other", {}


def offer_state(
    record: CredentialExchangeRecord, note: OfferNote | None
) -> tuple[OfferState, str | None, str | None]:
    """(state, failure reason, decline reason): ACA-Py's state, corrected by our notes."""
    exchange_state = record.state or ""
    error = record.error_msg
    if exchange_state == "done":
        return "done", None, None
    if exchange_state == "credential-revoked":
        return "revoked", None, None
    declined = (note is not None and note.decision == "declined") or (error or "").startswith(
        DECLINE_PREFIX
    )
    if exchange_state == "abandoned":
        if declined:
            reason = (note.decline_reason if note else None) or _decline_reason(error)
            return "declined", None, reason
        return "failed", error or "the exchange was abandoned", None
    if note is not None and note.failure:
        return "failed", note.failure, None
    if exchange_state == "credential-received" and error:
        return "failed", error, None
    if exchange_state == "offer-received":
        return "pending", None, None
    return "accepted", None, None


def issuer_did_of_cred_def(cred_def_id: str | None) -> str | None:
    """The issuer of an AnonCreds credential definition, from its identifier.

    did:web and other DID-based ids carry the issuer DID before `?` or `/`; legacy Indy
    ids (`<did>:3:CL:...`) start with the unqualified DID.
    """
    if not cred_def_id:
        return None
    if cred_def_id.startswith("did:"):
        end = min((i for i in (cred_def_id.find("?"), cred_def_id.find("/")) if i > 0), default=0)
        return cred_def_id[:end] if end else cred_def_id
    return cred_def_id.split(":", 1)[0]


def flatten_subject(subject: Any, prefix: str = "") -> list[OfferValue]:
    """Dotted paths to each claim; `type` and the subject's own `id` are left out."""
    values: list[OfferValue] = []
    if isinstance(subject, dict):
        for key, value in subject.items():
            if key in ("type", "@type", "@context") or (not prefix and key == "id"):
                continue
            values += flatten_subject(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(subject, list):
        if all(_is_scalar(item) for item in subject):
            values.append(OfferValue(name=prefix, value=", ".join(str(i) for i in subject)))
        else:
            for index, item in enumerate(subject):
                values += flatten_subject(item, f"{prefix}[{index}]")
    elif _is_scalar(subject):
        values.append(OfferValue(name=prefix or "value", value=subject))
    return values


def parse_time(text: str | None) -> datetime | None:
    """ACA-Py's timestamps (`2024-05-01T10:00:00.123456Z`), or None if absent or odd."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None


def _with_ld_proof(view: CredentialOffer, body: dict[str, Any]) -> CredentialOffer:
    credential = body.get("credential") or {}
    options = body.get("options") or {}
    raw_types = credential.get("type") or []
    types = [raw_types] if isinstance(raw_types, str) else [str(t) for t in raw_types]
    subject = credential.get("credentialSubject") or {}
    if isinstance(subject, list):  # several subjects: show the first, as wallets do
        subject = subject[0] if subject else {}
    issuer = credential.get("issuer")
    return view.model_copy(
        update={
            "issuer_did": issuer.get("id") if isinstance(issuer, dict) else issuer,
            "proof_type": options.get("proofType"),
            "types": types,
            "title": _ld_title(credential),
            "values": flatten_subject(subject),
            "subject_id": _named_subject(subject),
        }
    )


def _with_anoncreds(
    view: CredentialOffer,
    record: CredentialExchangeRecord,
    body: dict[str, Any],
    schema_name: str | None,
) -> CredentialOffer:
    preview = record.cred_preview or (record.cred_offer or {}).get("credential_preview") or {}
    values = [
        OfferValue(name=str(item.get("name")), value=item.get("value"))
        for item in preview.get("attributes", [])
        if isinstance(item, dict)
    ]
    schema_id = body.get("schema_id")
    cred_def_id = body.get("cred_def_id")
    return view.model_copy(
        update={
            "issuer_did": issuer_did_of_cred_def(cred_def_id),
            "schema_id": schema_id,
            "cred_def_id": cred_def_id,
            "title": schema_name or _legacy_schema_name(schema_id) or UNTITLED_ANONCREDS,
            "values": values,
        }
    )


def _ld_title(credential: dict[str, Any]) -> str:
    """The same title the credential will have once stored (normalize.py)."""
    types = credential.get("type") or []
    return w3c_title(credential, types if isinstance(types, list) else [types])


def _legacy_schema_name(schema_id: str | None) -> str | None:
    """`<did>:2:<name>:<version>` carries the schema name; other ids do not."""
    parts = (schema_id or "").split(":")
    return parts[2] if len(parts) == 4 and parts[1] == "2" else None


def _named_subject(subject: object) -> str | None:
    named = subject.get("id") if isinstance(subject, dict) else None
    return named if isinstance(named, str) and named else None


def _bound_subject(record: CredentialExchangeRecord) -> str | None:
    request = (record.by_format.get("cred_request") or {}).get("ld_proof") or {}
    subject = (request.get("credential") or {}).get("credentialSubject")
    return subject.get("id") if isinstance(subject, dict) else None


def _comment(record: CredentialExchangeRecord) -> str | None:
    comment = (record.cred_offer or {}).get("comment")
    return comment if isinstance(comment, str) else None


def _decline_reason(error: str | None) -> str | None:
    if error and error.startswith(DECLINE_PREFIX):
        return error[len(DECLINE_PREFIX) :]
    return error


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


__all__ = ["Scalar", "flatten_subject", "issuer_did_of_cred_def", "offer_state", "offer_view"]
