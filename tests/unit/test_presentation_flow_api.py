"""The requests, history and events JSON API over the present-proof flow (admin API faked)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from agent.events import AgentEvent
from protocols.presentation.flow import Deadlines, on_hint
from protocols.wallet_services import WalletServices
from tests.unit.presentation_fakes import FakeProofAdmin
from tests.unit.test_consent_fixtures import (
    TRUST,
    anoncreds_candidates,
    anoncreds_request,
    exchange_record,
)
from tests.unit.wallet_site import close_services, make_services
from ui.web import events_api
from ui.web.app import create_app
from ui.web.security import UiSecrets

TOKEN = "unit-test-ui-token"
EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"


class Api:
    def __init__(self, server: TestServer, admin: FakeProofAdmin, services: WalletServices):
        self.server = server
        self.admin = admin
        self.services = services

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.request(method, self.base + path, **kwargs) as response:
                return response.status, await response.json()

    async def request_arrives(self) -> None:
        self.admin.add(exchange_record({"anoncreds": anoncreds_request()}), anoncreds_candidates())
        await on_hint(self.services, EXCHANGE, Deadlines(self.services))


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST)
    ui = UiSecrets(api_token=TOKEN)
    server = TestServer(create_app(services, ui), host="127.0.0.1")
    await server.start_server()
    ui.port = server.port
    yield Api(server, admin, services)
    await server.close()
    await close_services(services)
    await admin.close()


async def test_list_show_and_approve_with_the_default_decision(api: Api) -> None:
    assert await api.call("GET", "/api/requests") == (200, {"requests": []})
    await api.request_arrives()
    code, listed = await api.call("GET", "/api/requests")
    assert code == 200 and [r["exchange_id"] for r in listed["requests"]] == [EXCHANGE]
    assert listed["requests"][0]["status"] == "waiting" and "prompt" not in listed["requests"][0]
    code, shown = await api.call("GET", f"/api/requests/{EXCHANGE}")
    assert code == 200 and shown["prompt"]["purpose"]["name"] == "Proof of degree"
    assert shown["default_decision"]["choices"]["0_name_uuid"]["credential_id"] == "cred-new"

    code, answered = await api.call("POST", f"/api/requests/{EXCHANGE}/approve")
    assert code == 200 and answered["status"] == "sent"
    assert len(api.admin.sent) == 1
    code, history = await api.call("GET", "/api/history?limit=10")
    assert code == 200 and history["total"] == 1
    assert history["entries"][0]["revealed"] == ["name", "degree", "graduation_date"]


async def test_a_decision_that_does_not_fit_is_a_clear_422_and_nothing_is_sent(api: Api) -> None:
    await api.request_arrives()
    decision = {"choices": {"0_name_uuid": {"credential_id": "cred-new"}}}
    code, body = await api.call("POST", f"/api/requests/{EXCHANGE}/approve", json=decision)
    assert code == 422 and body["error"]["code"] == "decision_invalid"
    assert "degree" in body["error"]["detail"] and body["error"]["hint"]
    code, body = await api.call(
        "POST", f"/api/requests/{EXCHANGE}/approve", json={"choices": {"x": 1}}
    )
    assert code == 422 and body["error"]["code"] == "invalid_body"
    code, body = await api.call("POST", f"/api/requests/{EXCHANGE}/approve", data="{nope")
    assert code == 400 and body["error"]["code"] == "invalid_json"
    assert api.admin.sent == []


async def test_unknown_requests_and_bad_paging_are_clear_errors(api: Api) -> None:
    code, body = await api.call("GET", "/api/requests/nope")
    assert code == 404 and body["error"]["code"] == "request_not_found"
    code, body = await api.call("POST", "/api/requests/nope/approve")
    assert code == 404 and body["error"]["code"] == "request_not_found"
    code, body = await api.call("GET", "/api/history?limit=0")
    assert code == 400 and body["error"]["code"] == "invalid_limit"


async def test_decline_with_a_reason(api: Api) -> None:
    await api.request_arrives()
    code, body = await api.call(
        "POST", f"/api/requests/{EXCHANGE}/decline", json={"reason": "Not now"}
    )
    assert (code, body) == (200, {"exchange_id": EXCHANGE, "status": "declined"})
    assert api.admin.problem_reports == [(EXCHANGE, "Not now")]
    assert (await api.call("GET", f"/api/requests/{EXCHANGE}"))[0] == 404
    code, body = await api.call("POST", f"/api/requests/{EXCHANGE}/decline", json={"why": 1})
    assert code == 422


async def read_events(response: aiohttp.ClientResponse, count: int) -> list[str]:
    """The first `count` SSE blocks (events or comments), as text."""
    blocks: list[str] = []
    current = ""
    async for raw in response.content:
        line = raw.decode()
        if line == "\n":
            blocks.append(current)
            current = ""
            if len(blocks) == count:
                break
        else:
            current += line
    return blocks


async def test_events_stream_ids_and_states_only_with_heartbeats(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_api, "HEARTBEAT_SECONDS", 0.05)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(api.base + "/api/events") as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            async with asyncio.timeout(10):
                assert (await read_events(response, 1))[0].startswith("retry: 3000")
                assert await read_events(response, 1) == [": heartbeat\n"]
                payload = {
                    "cred_ex_id": "c1",
                    "state": "offer-received",
                    "cred_preview": {"attributes": [{"name": "score", "value": "secret-93"}]},
                    "by_format": {"cred_offer": {"x": "secret-too"}},
                }
                api.services.bus.publish(AgentEvent(topic="issue_credential_v2_0", payload=payload))
                block = next(
                    b for b in await read_events(response, 3) if "event: issue_credential" in b
                )
    assert "secret" not in block
    data = json.loads(block.split("data: ", 1)[1])
    assert data["cred_ex_id"] == "c1" and data["state"] == "offer-received"
    assert set(data) == {"source", "at", "cred_ex_id", "state"}


async def test_the_stream_ends_cleanly_when_the_server_shuts_down(api: Api) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(api.base + "/api/events") as response:
            await read_events(response, 1)
            closing = asyncio.create_task(api.server.close())
            async with asyncio.timeout(10):
                rest = (await response.content.read()).decode()
                await closing
    assert "event: shutdown" in rest
