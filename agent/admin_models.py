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
    method: Literal["key", "peer2", "peer4", "sov", "web"]
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
