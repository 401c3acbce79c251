"""Pydantic models for the ACA-Py admin API payloads the wallet uses.

Records keep unknown fields (`extra="allow"`): ACA-Py adds fields between versions and
the wallet must not break on them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AdminModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class AgentStatus(AdminModel):
    version: str
    label: str | None = None
    conductor: dict[str, Any] = Field(default_factory=dict)


class DidInfo(AdminModel):
    did: str
    verkey: str
    method: str
    key_type: str
    posture: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class DidCreateRequest(AdminModel):
    # ACA-Py names the peer methods by their prefix; "peer4" is refused as unknown.
    method: Literal["key", "did:peer:2", "did:peer:4", "sov", "web"]
    options: dict[str, Any] = Field(default_factory=dict)


class ConnectionRecord(AdminModel):
    connection_id: str
    state: str | None = None
    rfc23_state: str | None = None
    their_label: str | None = None
    their_did: str | None = None
    my_did: str | None = None
    invitation_msg_id: str | None = None
    their_public_did: str | None = None
    # On an invitation we made, their_role is "invitee" (RFC 160) and the state "invitation"
    # until someone answers; invitation_mode is "once" or "multi".
    their_role: str | None = None
    invitation_mode: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CredentialExchangeRecord(AdminModel):
    """issue-credential v2 exchange; the offer body is under `by_format`."""

    cred_ex_id: str
    state: str | None = None
    connection_id: str | None = None
    thread_id: str | None = None
    role: str | None = None
    by_format: dict[str, Any] = Field(default_factory=dict)
    cred_offer: dict[str, Any] | None = None
    cred_preview: dict[str, Any] | None = None
    error_msg: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CredentialExchangeDetail(AdminModel):
    """One `GET /issue-credential-2.0/records/{id}` answer: the record and its format details.

    The format details (`ld_proof`, `anoncreds`, `indy`) carry `cred_id_stored` once the
    credential is in the wallet.
    """

    cred_ex_record: CredentialExchangeRecord
    ld_proof: dict[str, Any] | None = None
    anoncreds: dict[str, Any] | None = None
    indy: dict[str, Any] | None = None
    vc_di: dict[str, Any] | None = None

    @property
    def stored_credential_id(self) -> str | None:
        for detail in (self.ld_proof, self.anoncreds, self.indy, self.vc_di):
            if detail and detail.get("cred_id_stored"):
                return str(detail["cred_id_stored"])
        return None


class StoreResume(AdminModel):
    """What our `finish-store` route did (agent/plugins/handled_inbound/store_resume.py)."""

    outcome: Literal["stored", "recovered", "not-needed", "busy", "failed"]
    state: str | None = None
    credential_id: str | None = None
    error: str | None = None


class PresentationExchangeRecord(AdminModel):
    """present-proof v2 exchange; the request body is under `by_format.pres_request`."""

    pres_ex_id: str
    state: str | None = None
    connection_id: str | None = None
    thread_id: str | None = None
    role: str | None = None
    by_format: dict[str, Any] = Field(default_factory=dict)
    pres_request: dict[str, Any] | None = None
    verified: str | None = None
    error_msg: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class AnonCredsCredentialInfo(AdminModel):
    """An AnonCreds credential as `GET /credentials` and `GET /credential/{id}` show it."""

    referent: str
    schema_id: str
    cred_def_id: str
    rev_reg_id: str | None = None
    cred_rev_id: str | None = None
    attrs: dict[str, str] = Field(default_factory=dict)


class W3CCredentialRecord(AdminModel):
    """A stored W3C credential (`POST /credentials/w3c`, `GET /credential/w3c/{id}`)."""

    record_id: str
    cred_value: dict[str, Any] = Field(default_factory=dict)
    issuer_id: str | None = None
    proof_types: list[str] = Field(default_factory=list)
    expanded_types: list[str] = Field(default_factory=list)
    schema_ids: list[str] = Field(default_factory=list)
    subject_ids: list[str] = Field(default_factory=list)
    given_id: str | None = None


class W3CCredentialQuery(AdminModel):
    """The body of `POST /credentials/w3c`; ACA-Py returns its page size (100) by default."""

    types: list[str] | None = None
    schema_ids: list[str] | None = None
    issuer_id: str | None = None
    subject_ids: list[str] | None = None
    tag_query: dict[str, str] | None = None
    given_id: str | None = None  # the credential's own `id`
    max_results: int | None = None


class OobRecord(AdminModel):
    """An out-of-band record: what `POST /out-of-band/receive-invitation` answers (the
    connection it made or reused), or one of `GET /out-of-band/records` (role `sender` for
    an invitation we made, with the invitation itself)."""

    oob_id: str | None = None
    state: str | None = None
    invi_msg_id: str | None = None
    connection_id: str | None = None
    role: str | None = None
    invitation: dict[str, Any] | None = None
    multi_use: bool | None = None
    created_at: str | None = None


class InvitationRecord(AdminModel):
    """What `POST /out-of-band/create-invitation` answers: our invitation, as URL and JSON."""

    invitation_url: str
    invitation: dict[str, Any] = Field(default_factory=dict)
    invi_msg_id: str | None = None
    oob_id: str | None = None
    state: str | None = None
