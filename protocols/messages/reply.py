"""Sending the learner's message to a connection, and keeping it in the conversation.

ACA-Py's `POST /connections/{id}/send-message` answers 200 and sends nothing when the
connection is not active, so the wallet checks the state itself first.
"""

from __future__ import annotations

import logging
from typing import Literal

from agent.admin_client import AdminApiError, AdminClient
from agent.connection_cache import SETTLED_STATES
from protocols.messages.book import MessageBook, MessageStoreError
from protocols.messages.models import MAX_TEXT, BasicMessage

LOGGER = logging.getLogger(__name__)
ALLOWED_CONTROLS = frozenset("\n\r\t")

ReplyProblem = Literal[
    "message_empty",
    "message_too_long",
    "message_not_plain",
    "connection_not_found",
    "connection_not_active",
    "agent_unavailable",
    "message_not_sent",
    "message_not_kept",
]
STATUS: dict[ReplyProblem, int] = {
    "message_empty": 422,
    "message_too_long": 413,
    "message_not_plain": 422,
    "connection_not_found": 404,
    "connection_not_active": 409,
    "agent_unavailable": 503,
    "message_not_sent": 502,
    "message_not_kept": 500,
}


class ReplyError(Exception):
    """Why a message was not sent; `code` names it for the learner."""

    def __init__(self, code: ReplyProblem, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.status = STATUS[code]


def checked_text(text: str) -> str:
    """The text to send, trimmed at its ends; ReplyError when it cannot go."""
    text = text.strip()
    if not text:
        raise ReplyError("message_empty", "the message is empty")
    if len(text) > MAX_TEXT:
        raise ReplyError(
            "message_too_long", f"the message has {len(text)} characters, at most {MAX_TEXT}"
        )
    bad = next((c for c in text if ord(c) < 32 and c not in ALLOWED_CONTROLS), None)
    if bad is not None:
        raise ReplyError("message_not_plain", f"control character U+{ord(bad):04X}")
    return text


async def send_message(
    client: AdminClient, book: MessageBook, connection_id: str, text: str
) -> BasicMessage:
    """Send through ACA-Py, then keep the message as sent (read)."""
    text = checked_text(text)
    try:
        record = await client.connection(connection_id)
    except AdminApiError as error:
        if error.status in (404, 422):  # 422: an id that is no UUID
            raise ReplyError("connection_not_found", f"no connection {connection_id}") from None
        raise ReplyError("agent_unavailable", str(error)) from None
    if record.state not in SETTLED_STATES:
        raise ReplyError(
            "connection_not_active", f"the connection is {record.state or 'in no state'}"
        )
    try:
        await client.send_basic_message(connection_id, text)
    except AdminApiError as error:
        code: ReplyProblem = "agent_unavailable" if error.status is None else "message_not_sent"
        raise ReplyError(code, str(error)) from None
    message = BasicMessage(connection_id=connection_id, direction="sent", text=text, read=True)
    try:
        await book.add(message)
    except MessageStoreError as error:
        raise ReplyError("message_not_kept", f"sent, but not kept: {error}") from None
    LOGGER.info("message %s sent to connection %s", message.id, connection_id)
    return message
