"""Start-up work done after ready (issue #20): visible in /api/status, waited for by routes
that depend on it, and webhooks ACA-Py sends before the receiver is up are not lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from agent.events import EventBus
from agent.webhooks import WebhookReceiver
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
from ui.catch_up import CATCH_UP_KEY, CatchUp
from ui.head_start import webhook_socket
from ui.web.app import create_app
from ui.web.security import UiSecrets

TOKEN = "unit-test-ui-token"
EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"


class Site:
    def __init__(self, server: TestServer, admin: FakeProofAdmin, services: WalletServices):
        self.server, self.admin, self.services = server, admin, services
        self.catch_up = server.app[CATCH_UP_KEY]

    async def call(self, path: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        url = f"http://127.0.0.1:{self.server.port}{path}"
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.get(url) as response:
                return response.status, await response.json()

    async def request_found(self) -> None:
        """What reconciliation and the presentation flow do for a request from before."""
        self.admin.add(exchange_record({"anoncreds": anoncreds_request()}), anoncreds_candidates())
        await on_hint(self.services, EXCHANGE, Deadlines(self.services))


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST)
    ui = UiSecrets(api_token=TOKEN)
    app = create_app(services, ui)
    app[CATCH_UP_KEY] = CatchUp()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    assert server.port is not None
    ui.port = server.port
    yield Site(server, admin, services)
    await app[CATCH_UP_KEY].cancel()
    await server.close()
    await close_services(services)
    await admin.close()


async def test_status_names_the_work_still_catching_up(site: Site) -> None:
    gate = asyncio.Event()
    site.catch_up.start("exchanges", gate.wait())
    code, status = await site.call("/api/status")
    assert code == 200 and status["catching_up"] == ["exchanges"]
    gate.set()
    await site.catch_up.wait("exchanges")
    assert (await site.call("/api/status"))[1]["catching_up"] == []


async def test_requests_wait_for_the_catch_up_and_then_list_what_it_found(site: Site) -> None:
    gate = asyncio.Event()

    async def reconcile_later() -> None:
        await gate.wait()
        await site.request_found()

    site.catch_up.start("exchanges", reconcile_later())
    listing = asyncio.create_task(site.call("/api/requests"))
    shown = asyncio.create_task(site.call(f"/api/requests/{EXCHANGE}"))
    await asyncio.sleep(0.2)
    assert not listing.done() and not shown.done()  # an empty list now would be wrong
    gate.set()
    code, listed = await listing
    assert code == 200 and [r["exchange_id"] for r in listed["requests"]] == [EXCHANGE]
    code, detail = await shown
    assert code == 200 and detail["prompt"]["purpose"]["name"] == "Proof of degree"


async def test_a_failed_catch_up_is_logged_and_routes_answer_as_before(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    async def fails() -> None:
        raise RuntimeError("agent went away")

    with caplog.at_level(logging.WARNING, logger="ui.catch_up"):
        site.catch_up.start("exchanges", fails())
        assert await site.call("/api/requests") == (200, {"requests": []})
    assert "catching up exchanges failed: RuntimeError: agent went away" in caplog.text
    assert site.catch_up.pending() == []


async def test_waiting_for_a_job_never_started_returns_at_once() -> None:
    await asyncio.wait_for(CatchUp().wait("exchanges"), 0.5)


async def test_webhooks_sent_before_the_receiver_is_up_are_delivered_once_it_is() -> None:
    """ACA-Py is told the socket's port before aiohttp's server is loaded (ui/head_start.py)."""
    sock = webhook_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/webhooks/topic/connections/"
    bus = EventBus()
    receiver = WebhookReceiver(bus, "s3cret")
    async with bus.subscribe() as queue, aiohttp.ClientSession() as session:
        early = asyncio.create_task(
            session.post(url, json={"state": "active"}, headers={"x-api-key": "s3cret"})
        )
        await asyncio.sleep(0.2)
        assert not early.done()  # waiting in the socket's backlog
        await receiver.start(sock=sock)
        try:
            response = await asyncio.wait_for(early, 5)
            assert response.status == 200
            response.release()
            event = await asyncio.wait_for(queue.get(), 1)
            assert event.topic == "connections" and event.payload == {"state": "active"}
            assert receiver.port == port
        finally:
            await receiver.stop()
