"""In `pickup` delivery the wallet connects only once its mediator has granted mediation.

Before the grant a new connection would tell the peer no way to reach the learner and hang
half-way (seen in the demo when an invitation was pasted right after start). ACA-Py is
faked at the HTTP boundary; its default-mediator record is what the wallet reads.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from protocols.connections import mediation_ready
from tests.unit.test_own_invitation import InvitingAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving

API = {"Authorization": f"Bearer {TOKEN}"}
MEDIATOR = json.dumps(
    {
        "@type": "https://didcomm.org/out-of-band/1.1/invitation",
        "@id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "label": "Campus Mediator",
        "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
        "services": [
            {
                "id": "#inline",
                "type": "did-communication",
                "recipientKeys": ["did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"],
                "serviceEndpoint": "ws://127.0.0.1:9",
            }
        ],
    }
)
PEER_INVITATION = {
    "@type": "https://didcomm.org/out-of-band/1.1/invitation",
    "@id": "6f1e4a49-2f0e-4c8e-9f52-4a1f2f4d8a10",
    "label": "Open Learning Institute",
    "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
    "services": [
        {
            "id": "#inline",
            "type": "did-communication",
            "recipientKeys": ["did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"],
            "serviceEndpoint": "http://127.0.0.1:9",
        }
    ],
}


class MediatedAdminApi(InvitingAdminApi):
    """The inviter's fake plus the default-mediator record (none until `grant`)."""

    def __init__(self) -> None:
        super().__init__()
        self.mediation: dict[str, Any] | None = None

    def add_routes(self, app: web.Application) -> None:
        super().add_routes(app)
        app.router.add_get("/mediation/default-mediator", self._default_mediator)

    async def _default_mediator(self, _: web.Request) -> web.Response:
        return web.json_response(self.mediation)

    def grant(self) -> None:
        self.mediation = {"mediation_id": "m1", "state": "granted", "endpoint": "ws://x"}


@pytest.fixture
async def wallet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(mediation_ready, "GRANT_WAIT", 0.6)
    admin = MediatedAdminApi()
    await admin.start()
    services = await make_services(
        admin.url, tmp_path, with_store=False, mediator_invitation=MEDIATOR
    )
    async with serving(services) as (server, _):
        yield admin, server
    await close_services(services)
    await admin.close()


async def _post(server, path: str, body: Any = None, language: str = "en") -> tuple[int, Any]:
    url = f"http://127.0.0.1:{server.port}{path}"
    headers = {**API, "Accept-Language": language}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers=headers) as response:
            return response.status, await response.json()


async def test_no_invitation_of_our_own_before_the_grant(wallet) -> None:
    admin, server = wallet
    admin.mediation = {"mediation_id": "m1", "state": "request"}
    status, body = await _post(server, "/api/invitation")
    assert status == 503
    error = body["error"]
    assert error["code"] == "mediator_not_ready"
    assert "Campus Mediator" in error["message"] and "Nothing was created" in error["message"]
    assert error["hint"]
    assert admin.creations() == 0


async def test_no_connection_to_a_peer_before_the_grant_in_german(wallet) -> None:
    admin, server = wallet
    body = {"invitation": json.dumps(PEER_INVITATION)}
    status, answer = await _post(server, "/api/connections", body, language="de")
    assert status == 503
    assert answer["error"]["code"] == "mediator_not_ready"
    assert "Campus Mediator" in answer["error"]["message"]
    assert "nichts angelegt" in answer["error"]["message"]
    assert not any("receive-invitation" in call for call in admin.calls)


async def test_a_grant_that_comes_while_waiting_lets_the_invitation_through(wallet) -> None:
    admin, server = wallet
    asyncio.get_running_loop().call_later(0.2, admin.grant)
    status, made = await _post(server, "/api/invitation")
    assert status == 201, made
    assert admin.creations() == 1


async def test_direct_delivery_never_asks_for_a_mediator(tmp_path: Path) -> None:
    admin = MediatedAdminApi()
    await admin.start()
    services = await make_services(
        admin.url, tmp_path, with_store=False, mediator_invitation=MEDIATOR, delivery="direct"
    )
    try:
        async with serving(services) as (server, _):
            status, _ = await _post(server, "/api/invitation")
        assert status == 201
        assert not any("default-mediator" in call for call in admin.calls)
    finally:
        await close_services(services)
        await admin.close()
