"""The learner's view of a credential offer, and the controller's own notes about it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

OfferState = Literal["pending", "accepted", "done", "declined", "failed", "revoked"]
OfferFormat = Literal["anoncreds", "ld_proof", "other"]
Scalar = str | int | float | bool | None


class OfferValue(BaseModel):
    """One offered claim: a dotted path into `credentialSubject`, or an AnonCreds attribute."""

    name: str
    value: Scalar


class CredentialOffer(BaseModel):
    """What the learner is asked to accept, and how the exchange went."""

    id: str = Field(description="The exchange id (ACA-Py's cred_ex_id).")
    state: OfferState
    exchange_state: str | None = Field(description="ACA-Py's own state of the exchange.")
    issuer_label: str | None
    issuer_did: str | None
    connection_id: str | None
    thread_id: str | None = Field(
        default=None, description="The DIDComm thread, as the issuer sees it."
    )
    format: OfferFormat
    proof_type: str | None = None
    types: list[str] = Field(default_factory=list)
    title: str
    values: list[OfferValue] = Field(default_factory=list)
    schema_id: str | None = None
    cred_def_id: str | None = None
    comment: str | None = None
    received_at: datetime | None = None
    updated_at: datetime | None = None
    holder_did: str | None = None
    subject_id: str | None = Field(
        default=None,
        description="The subject id a W3C offer names itself (None: left to the holder).",
    )
    credential_id: str | None = Field(
        default=None,
        description="The stored credential's id, `<format>:<id>` as in /api/credentials.",
    )
    failure: str | None = Field(default=None, description="Why the exchange failed.")
    decline_reason: str | None = None
    auto_accepted: bool = False


class OfferNote(BaseModel):
    """What ACA-Py's record cannot say: who decided what, and a deadline that passed."""

    cred_ex_id: str
    decision: Literal["accepted", "declined"] | None = None
    decided_at: datetime | None = None
    auto: bool = False
    holder_did: str | None = None
    decline_reason: str | None = None
    failed_at: datetime | None = None
    failure: str | None = None
