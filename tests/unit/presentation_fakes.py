"""A holder's present-proof admin API, faked at the HTTP boundary, and wallet services around it
(no tests in here). Records and candidates follow ACA-Py 1.7's shapes (see the consent fixtures).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.unit.fake_admin import ADMIN_KEY

CONNECTION = {
    "connection_id": "b5f1a7c2-1f53-4a89-9d0e-4c7a2f3b8e61",
    "their_label": "Acme Hiring",
    "their_did": "did:peer:4zQmVerifier",
    "state": "active",
}


class FakeProofAdmin:
    """Serves present-proof records and candidates; records what was sent, in order."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.candidates: dict[str, list[dict[str, Any]]] = {}
        self.wallet_anoncreds: list[dict[str, Any]] = []
        self.w3c_records: dict[str, dict[str, Any]] = {}  # GET /credential/w3c/{id}
        self.connections = {CONNECTION["connection_id"]: CONNECTION}
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.problem_reports: list[tuple[str, str]] = []
        self.calls: list[str] = []
        self.on_send: Callable[[str], None] | None = None
        self.refuse_send: str | None = None
        # The prompt-inputs plugin's route, when set: exchange id -> its answer.
        self.prompt_inputs: dict[str, dict[str, Any]] | None = None
        self.failing_inputs: set[str] = set()  # exchanges whose prompt inputs answer 500
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def add(self, record: dict[str, Any], candidates: list[dict[str, Any]]) -> str:
        exchange_id = record["pres_ex_id"]
        self.records[exchange_id] = copy.deepcopy(record)
        self.candidates[exchange_id] = copy.deepcopy(candidates)
        return exchange_id

    async def start(self) -> None:
        app = web.Application(middlewares=[self._require_key])
        base = "/present-proof-2.0/records"
        app.router.add_get(base, self._list)
        app.router.add_get(base + "/{id}", self._record)
        app.router.add_get(base + "/{id}/credentials", self._candidates)
        app.router.add_post(base + "/{id}/send-presentation", self._send)
        app.router.add_post(base + "/{id}/problem-report", self._problem)
        app.router.add_get("/connections/{id}", self._connection)
        app.router.add_get("/credentials", self._wallet)
        app.router.add_get("/credential/w3c/{id}", self._w3c_record)
        if self.prompt_inputs is not None:
            inputs = "/learner-wallet/presentations/{id}/prompt-inputs"
            app.router.add_get(inputs, self._prompt_inputs)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _require_key(self, request: web.Request, handler):
        self.calls.append(f"{request.method} {request.path_qs}")
        if request.headers.get("x-api-key") != ADMIN_KEY:
            return web.json_response({"message": "Unauthorized"}, status=401)
        return await handler(request)

    def _found(self, request: web.Request) -> dict[str, Any]:
        record = self.records.get(request.match_info["id"])
        if record is None:
            raise web.HTTPNotFound(reason="Record not found")
        return record

    async def _list(self, request: web.Request) -> web.Response:
        state = request.query.get("state")
        found = [r for r in self.records.values() if state is None or r["state"] == state]
        return web.json_response({"results": found})

    async def _record(self, request: web.Request) -> web.Response:
        return web.json_response(self._found(request))

    async def _prompt_inputs(self, request: web.Request) -> web.Response:
        assert self.prompt_inputs is not None
        if request.match_info["id"] in self.failing_inputs:
            raise web.HTTPInternalServerError()
        return web.json_response(self.prompt_inputs.get(request.match_info["id"], {"record": None}))

    async def _candidates(self, request: web.Request) -> web.Response:
        """Like ACA-Py: AnonCreds entries paged per referent, DIF entries ignore offset."""
        entries = self.candidates[self._found(request)["pres_ex_id"]]
        limit, offset = int(request.query["limit"]), int(request.query.get("offset", 0))
        anoncreds = [e for e in entries if "cred_info" in e][offset : offset + limit]
        w3c = [e for e in entries if "record_id" in e][:limit]
        return web.json_response(anoncreds + w3c)

    async def _send(self, request: web.Request) -> web.Response:
        record = self._found(request)
        if self.on_send is not None:
            self.on_send(record["pres_ex_id"])
        if record["state"] != "request-received":  # ACA-Py 1.7 checks first, in these words
            raise web.HTTPBadRequest(
                reason=f"Presentation exchange {record['pres_ex_id']} in {record['state']} "
                "state (must be request-received)"
            )
        if self.refuse_send:
            raise web.HTTPBadRequest(reason=self.refuse_send)
        self.sent.append((record["pres_ex_id"], await request.json()))
        record["state"] = "presentation-sent"
        return web.json_response(record)

    async def _problem(self, request: web.Request) -> web.Response:
        record = self._found(request)
        self.problem_reports.append((record["pres_ex_id"], (await request.json())["description"]))
        record["state"] = "abandoned"
        return web.json_response({})

    async def _connection(self, request: web.Request) -> web.Response:
        connection = self.connections.get(request.match_info["id"])
        if connection is None:
            raise web.HTTPNotFound()
        return web.json_response(connection)

    async def _w3c_record(self, request: web.Request) -> web.Response:
        record = self.w3c_records.get(request.match_info["id"])
        if record is None:
            raise web.HTTPNotFound(reason="Record not found")
        return web.json_response(record)

    async def _wallet(self, request: web.Request) -> web.Response:
        limit, offset = int(request.query["limit"]), int(request.query.get("offset", 0))
        return web.json_response({"results": self.wallet_anoncreds[offset : offset + limit]})
