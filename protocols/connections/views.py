"""Connections as the learner sees them: who, in which state, since when."""

from __future__ import annotations

from pydantic import BaseModel

from agent.admin_models import ConnectionRecord


class ConnectionView(BaseModel):
    """One connection; `state` is ACA-Py's (`request`, `response`, `active`, `abandoned`…)."""

    id: str
    label: str | None
    their_did: str | None
    their_public_did: str | None
    state: str | None
    created: str | None
    last_activity: str | None


def connection_view(record: ConnectionRecord) -> ConnectionView:
    alias = (record.model_extra or {}).get("alias")
    return ConnectionView(
        id=record.connection_id,
        label=record.their_label or (str(alias) if alias else None),
        their_did=record.their_did,
        their_public_did=record.their_public_did,
        state=record.state,
        created=record.created_at,
        last_activity=record.updated_at,
    )
