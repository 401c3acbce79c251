"""Connections as the learner sees them: who, in which state, since when."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agent.admin_models import ConnectionRecord


class ConnectionView(BaseModel):
    """One connection; `state` is ACA-Py's (`request`, `response`, `active`, `abandoned`…)."""

    id: str
    label: str | None = Field(description="The learner's name for it, else the peer's own.")
    name: str | None = Field(default=None, description="The learner's own name, if given.")
    their_label: str | None = Field(default=None, description="What the peer calls itself.")
    their_did: str | None
    their_public_did: str | None
    state: str | None
    created: str | None
    last_activity: str | None
    unread: int = Field(default=0, description="Messages from this connection not yet read.")


def connection_view(
    record: ConnectionRecord, name: str | None = None, unread: int = 0
) -> ConnectionView:
    alias = (record.model_extra or {}).get("alias")
    own = record.their_label or (str(alias) if alias else None)
    return ConnectionView(
        id=record.connection_id,
        label=name or own,
        name=name,
        their_label=own,
        their_did=record.their_did,
        their_public_did=record.their_public_did,
        state=record.state,
        created=record.created_at,
        last_activity=record.updated_at,
        unread=unread,
    )
