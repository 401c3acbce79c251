"""Receives ACA-Py's webhooks on 127.0.0.1 and turns them into bus events.

Webhooks are hints: listeners re-read the record from the admin API before acting.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import socket

from aiohttp import web

from agent.events import AgentEvent, EventBus
from agent.ports import LOOPBACK, free_port

LOGGER = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 1024 * 1024
# Hyphens too: ACA-Py sends revocation notices as `revocation-notification(-v2)`.
TOPIC_PATTERN = re.compile(r"^[a-z0-9_-]{1,64}$")


class WebhookReceiver:
    """A tiny HTTP server ACA-Py posts to; the per-run secret is checked in constant time."""

    def __init__(self, bus: EventBus, secret: str) -> None:
        self._bus = bus
        self._secret = secret.encode()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.received = 0

    @property
    def url(self) -> str:
        """The URL given to ACA-Py (`--webhook-url` via the environment, without the secret)."""
        return f"http://{LOOPBACK}:{self.port}/webhooks"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_WEBHOOK_BYTES)
        app.router.add_post("/webhooks/topic/{topic}/", self._handle)
        return app

    async def start(self, port: int = 0, sock: socket.socket | None = None) -> None:
        """Serve on `port` (0: a free one), or on `sock`, already bound and listening."""
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        if sock is not None:
            self.port = int(sock.getsockname()[1])
            await web.SockSite(self._runner, sock).start()
            return
        self.port = port or free_port()
        await web.TCPSite(self._runner, LOOPBACK, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        given = request.headers.get("x-api-key", "").encode()
        if not hmac.compare_digest(given, self._secret):
            LOGGER.warning("rejected a webhook without the right secret")
            return web.json_response({"error": "forbidden"}, status=403)
        topic = request.match_info["topic"]
        if not TOPIC_PATTERN.match(topic):
            return web.json_response({"error": "bad topic"}, status=400)
        try:
            payload = await request.json()
        except ValueError:
            return web.json_response({"error": "body is not JSON"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"error": "body is not an object"}, status=400)
        self.received += 1
        self._bus.publish(AgentEvent(topic=topic, payload=payload))
        # Let the listeners woken by this event run before the reply is written: a flow's
        # read of ACA-Py then leaves about 0.3 ms sooner, and ACA-Py does not wait on the
        # reply (it delivers webhooks beside its protocol work).
        await asyncio.sleep(0)
        return web.json_response({})
