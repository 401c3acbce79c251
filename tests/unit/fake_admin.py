"""A stand-in for ACA-Py's admin API at the HTTP boundary, for unit tests only."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

ADMIN_KEY = "unit-test-admin-key"
FILTERS = ("state", "their_role", "invitation_msg_id")


class FakeAdminApi:
    """Serves canned records by state, and refuses requests without the admin key."""

    def __init__(self) -> None:
        self.connections: list[dict[str, Any]] = []
        self.cred_exchanges: list[dict[str, Any]] = []
        self.pres_exchanges: list[dict[str, Any]] = []
        self.dids: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application(middlewares=[self._require_key])
        app.router.add_get("/status/ready", _json(lambda: {"ready": True}))
        app.router.add_get("/status", _json(lambda: {"version": "1.7.0"}))
        app.router.add_get("/connections", self._by_state(lambda: self.connections))
        app.router.add_get("/wallet/did", _json(lambda: {"results": self.dids}))
        app.router.add_get(
            "/issue-credential-2.0/records",
            self._by_state(
                lambda: [{"cred_ex_record": record} for record in self.cred_exchanges],
                nested="cred_ex_record",
            ),
        )
        app.router.add_get(
            "/present-proof-2.0/records", self._by_state(lambda: self.pres_exchanges)
        )
        self.add_routes(app)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    def add_routes(self, app: web.Application) -> None:
        """Subclasses serve more of the admin API here (before the server starts)."""

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _require_key(self, request: web.Request, handler):
        self.calls.append(f"{request.method} {request.path_qs}")
        if request.headers.get("x-api-key") != ADMIN_KEY:
            return web.json_response({"message": "Unauthorized"}, status=401)
        return await handler(request)

    @staticmethod
    def _by_state(records, nested: str | None = None):
        """Filters as ACA-Py's tag queries do: by state and the other tags asked for."""

        async def handler(request: web.Request) -> web.Response:
            wanted = {k: v for k, v in request.query.items() if k in FILTERS}
            results = [
                item
                for item in records()
                if all((item[nested] if nested else item).get(k) == v for k, v in wanted.items())
            ]
            return web.json_response({"results": results})

        return handler


def _json(body):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(body())

    return handler
