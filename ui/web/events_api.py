"""`GET /api/events`: the event bus as server-sent events, for the UI to refresh itself.

Each event is named by its topic; its data is a small JSON object with ids and states
only (a webhook's payload may carry credential values, so everything else is dropped).
A comment line every `HEARTBEAT_SECONDS` keeps proxies and browsers from timing out, and
when the wallet stops every stream gets a last `shutdown` event and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

from aiohttp import web

from agent.events import AgentEvent
from ui.web.services import SERVICES_KEY, services_of

HEARTBEAT_SECONDS = 15.0
SHUTDOWN_TOPIC = "shutdown"
SAFE_KEYS = frozenset(
    {
        "exchange_id",
        "pres_ex_id",
        "cred_ex_id",
        "connection_id",
        "thread_id",
        "invitation_msg_id",
        "oob_id",
        "offer_id",
        "credential_id",
        "record_id",
        "state",
        "rfc23_state",
        "role",
        "status",
        "verified",
        "answerable",
    }
)
MAX_VALUE = 200
CLOSING_KEY = web.AppKey("events_closing", asyncio.Event)


def setup(app: web.Application) -> None:
    """Let open streams end when the app shuts down, instead of holding shutdown up."""
    app[CLOSING_KEY] = asyncio.Event()
    app.on_shutdown.append(_close_streams)


async def stream_events(request: web.Request) -> web.StreamResponse:
    closing = request.app[CLOSING_KEY]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
    )
    counter = itertools.count(1)
    try:
        # Subscribe before the headers go out: the browser's `open` means nothing is missed.
        async with services_of(request).bus.subscribe() as queue:
            await response.prepare(request)
            await response.write(b"retry: 3000\n: connected\n\n")
            while not closing.is_set():
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    await response.write(b": heartbeat\n\n")
                    continue
                await response.write(sse_message(event, next(counter)))
                if event.topic == SHUTDOWN_TOPIC and event.source == "wallet":
                    break
    except ConnectionResetError:
        return response
    with contextlib.suppress(ConnectionResetError):
        await response.write_eof()
    return response


def sse_message(event: AgentEvent, event_id: int) -> bytes:
    """One SSE message: `event: <topic>`, and ids and states as data."""
    data = {"source": event.source, "at": event.at.isoformat(), **safe_fields(event.payload)}
    text = json.dumps(data, separators=(",", ":"))
    return f"id: {event_id}\nevent: {event.topic}\ndata: {text}\n\n".encode()


def safe_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """Only identifiers and states, and only as short scalars."""
    kept: dict[str, Any] = {}
    for key in SAFE_KEYS.intersection(payload):
        value = payload[key]
        if isinstance(value, bool | int) or value is None:
            kept[key] = value
        elif isinstance(value, str):
            kept[key] = value[:MAX_VALUE]
    return kept


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/events", stream_events)


async def _close_streams(app: web.Application) -> None:
    app[CLOSING_KEY].set()
    bus = app[SERVICES_KEY].bus
    bus.publish(AgentEvent(topic=SHUTDOWN_TOPIC, source="wallet"))
