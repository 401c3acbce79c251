"""Basic messages as the wallet keeps and shows them (ACA-Py keeps none)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Direction = Literal["received", "sent"]
MAX_TEXT = 10_000  # characters; a longer received message is cut and says so (`cut`)


class BasicMessage(BaseModel):
    """One message of a conversation; `read` is the learner's, sent ones start read."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    connection_id: str
    direction: Direction
    at: datetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the wallet received or sent it.",
    )
    sent_time: str | None = Field(
        default=None, description="When the peer says it sent it (its claim, unchecked)."
    )
    text: str
    cut: bool = Field(default=False, description=f"Longer than {MAX_TEXT} characters: cut.")
    read: bool = False


class MessagePage(BaseModel):
    """A connection's messages, oldest first; `offset` counts back from the newest."""

    messages: list[BasicMessage]
    total: int
    unread: int
    limit: int
    offset: int


class UnreadConversation(BaseModel):
    """A connection with messages the learner has not read yet."""

    connection_id: str
    label: str | None
    unread: int
    last_at: datetime


class UnreadMessages(BaseModel):
    conversations: list[UnreadConversation]
    total: int


def bounded(text: str) -> tuple[str, bool]:
    """The text as kept: at most MAX_TEXT characters, and whether it was cut."""
    return (text, False) if len(text) <= MAX_TEXT else (text[:MAX_TEXT], True)
