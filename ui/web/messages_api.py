"""Basic messages: a connection's conversation, the learner's reply, what is unread.

GET  /api/connections/{id}/messages?limit=&offset=  oldest first; `offset` counts back
     from the newest message, so the first page is the latest one.
POST /api/connections/{id}/messages {"text"}        201 with the message as sent.
POST /api/connections/{id}/messages/read            every message of it is read.
GET  /api/messages/unread                           conversations with unread messages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from agent.admin_client import AdminApiError
from agent.admin_models import ConnectionRecord
from protocols.connections.names import StoreUnavailable
from protocols.messages.book import MAX_PAGE, MessageBook, MessageStoreError
from protocols.messages.inbound import message_book
from protocols.messages.models import UnreadConversation, UnreadMessages
from protocols.messages.reply import ReplyError, send_message
from protocols.peers import connection_cache
from ui.web.errors import ApiError
from ui.web.json_body import json_body
from ui.web.query import query_number
from ui.web.services import services_of, wallet_part


class SendMessageBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(description="What to send; at most 10,000 characters.")


class MarkedRead(BaseModel):
    marked: int = Field(description="How many messages were unread.")


async def list_messages(request: web.Request) -> web.Response:
    connection_id = request.match_info["id"]
    await known_connection(request, connection_id)
    limit = query_number(request, "limit", 50, 1, MAX_PAGE)
    offset = query_number(request, "offset", 0, 0, 10**9)
    async with _answering():
        page = await _book(request).page(connection_id, limit=limit, offset=offset)
    return web.json_response(text=page.model_dump_json())


async def post_message(request: web.Request) -> web.Response:
    body = SendMessageBody.model_validate(await json_body(request))
    services = services_of(request)
    async with _answering():
        message = await send_message(
            services.client, _book(request), request.match_info["id"], body.text
        )
    return web.json_response(text=message.model_dump_json(), status=201)


async def mark_read(request: web.Request) -> web.Response:
    connection_id = request.match_info["id"]
    await known_connection(request, connection_id)
    async with _answering():
        marked = await _book(request).mark_read(connection_id)
    return web.json_response(text=MarkedRead(marked=marked).model_dump_json())


async def unread_messages(request: web.Request) -> web.Response:
    cache = connection_cache(services_of(request))
    async with _answering():
        counts = await _book(request).unread()
    conversations = [
        UnreadConversation(
            connection_id=connection_id,
            label=await cache.label(connection_id),
            unread=count,
            last_at=last_at,
        )
        for connection_id, (count, last_at) in counts.items()
    ]
    conversations.sort(key=lambda c: c.last_at, reverse=True)
    total = sum(c.unread for c in conversations)
    answer = UnreadMessages(conversations=conversations, total=total)
    return web.json_response(text=answer.model_dump_json())


async def known_connection(request: web.Request, connection_id: str) -> ConnectionRecord:
    """The connection's record; 404 `connection_not_found` when ACA-Py has none."""
    try:
        return await connection_cache(services_of(request)).get(connection_id)
    except AdminApiError as error:
        if error.status in (404, 422):  # ACA-Py answers 422 for ids that are no UUID
            raise ApiError(404, "connection_not_found") from None
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/connections/{id}/messages", list_messages)
    router.add_post("/api/connections/{id}/messages", post_message)
    router.add_post("/api/connections/{id}/messages/read", mark_read)
    router.add_get("/api/messages/unread", unread_messages)


def _book(request: web.Request) -> MessageBook:
    return wallet_part(request, message_book)


@asynccontextmanager
async def _answering() -> AsyncIterator[None]:
    """Reply problems and store failures as errors the learner can act on."""
    try:
        yield
    except ReplyError as error:
        raise ApiError(error.status, error.code, detail=str(error)) from None
    except (MessageStoreError, StoreUnavailable) as error:
        raise ApiError(503, "messages_unavailable", detail=str(error)) from None
