"""One connection's page: who it is, the conversation with it, rename and delete."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web

from protocols.messages.models import MAX_TEXT
from ui.web.pages.local_api import listed, local_api
from ui.web.pages.render import render

PAGE_SIZE = 50
SETTLED = ("active", "completed")


def _offset(raw: str) -> int:
    return int(raw) if raw.isdigit() and int(raw) < 10**9 else 0


async def connection(request: web.Request) -> web.Response:
    """The latest messages (oldest first, newest last) and, on request, earlier ones."""
    connection_id = request.match_info["connection_id"]
    offset = _offset(request.query.get("earlier", "0"))
    api = local_api(request)
    path = f"/api/connections/{quote(connection_id, safe='')}"
    answer, messages = await asyncio.gather(
        api.get(path), api.get(f"{path}/messages", limit=PAGE_SIZE, offset=offset)
    )
    record = answer.record
    page = messages.record
    shown = offset + len(listed(page, "messages"))
    return render(
        request,
        "connection.html",
        status=answer.status,
        answer=answer,
        connection=record,
        connection_id=connection_id,
        active=record.get("state") in SETTLED,
        messages=messages,
        message_list=listed(page, "messages"),
        earlier=shown if page.get("total", 0) > shown else None,
        later=max(0, offset - PAGE_SIZE) if offset else None,
        max_text=MAX_TEXT,
    )
