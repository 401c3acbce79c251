"""The learner's own invitation (issue #14): made only when asked, reused until answered or
expired, deleted when it expires, and never listed as a connection while nobody answered it.

ACA-Py is faked at the HTTP boundary; the fake keeps records the way ACA-Py 1.7 does: an
invitation we make is a connection record (state `invitation`, their_role `invitee`) plus an
out-of-band record (role `sender`) holding the invitation itself.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from agent.events import AgentEvent
from protocols.connections.own_invitation_expiry import own_invitations_flow
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving

DAY = 86400
API = {"Authorization": f"Bearer {TOKEN}"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class InvitingAdminApi(FakeAdminApi):
    """The fake admin API plus the out-of-band routes an inviter uses."""

    def __init__(self) -> None:
        super().__init__()
        self.oob_records: list[dict[str, Any]] = []

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/out-of-band/create-invitation", self._create)
        app.router.add_get("/out-of-band/records", self._oob_records)
        app.router.add_delete("/out-of-band/invitations/{invi_msg_id}", self._delete_invitation)
        app.router.add_delete("/connections/{conn_id}", self._delete_connection)

    def invitation(
        self, *, age: float = 0.0, multi_use: bool = False, with_oob: bool = True
    ) -> dict[str, Any]:
        """Store an invitation of ours as ACA-Py does; its connection record is returned."""
        invi_msg_id = str(uuid.uuid4())
        body = {
            "@type": "https://didcomm.org/out-of-band/1.1/invitation",
            "@id": invi_msg_id,
            "label": "Learner",
            "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
            "services": [
                {
                    "id": "#inline",
                    "type": "did-communication",
                    "recipientKeys": ["did:key:z6MkexampleKey#z6MkexampleKey"],
                    "serviceEndpoint": "http://127.0.0.1:9",
                }
            ],
        }
        made = _iso(datetime.now(UTC) - timedelta(seconds=age))
        record = {
            "connection_id": str(uuid.uuid4()),
            "state": "invitation",
            "rfc23_state": "invitation-sent",
            "their_role": "invitee",
            "invitation_mode": "multi" if multi_use else "once",
            "invitation_msg_id": invi_msg_id,
            "accept": "auto",
            "created_at": made,
            "updated_at": made,
        }
        self.connections.append(record)
        if with_oob:
            self.oob_records.append(
                {
                    "oob_id": str(uuid.uuid4()),
                    "invi_msg_id": invi_msg_id,
                    "role": "sender",
                    "state": "await-response",
                    "multi_use": multi_use,
                    "invitation": body,
                    "created_at": made,
                }
            )
        return record

    def answer(self, record: dict[str, Any], label: str) -> None:
        """What ACA-Py does when a peer answers a single-use invitation of ours."""
        record.update(state="active", rfc23_state="completed", their_label=label)
        record["their_did"] = "did:peer:4zPeer"
        self.oob_records[:] = [
            o for o in self.oob_records if o["invi_msg_id"] != record["invitation_msg_id"]
        ]

    def connection(self, connection_id: str) -> dict[str, Any] | None:
        return next((c for c in self.connections if c["connection_id"] == connection_id), None)

    def creations(self) -> int:
        return sum(c.startswith("POST /out-of-band/create-invitation") for c in self.calls)

    async def _create(self, request: web.Request) -> web.Response:
        multi_use = request.query.get("multi_use") == "true"
        record = self.invitation(multi_use=multi_use)
        oob = self.oob_records[-1]
        encoded = base64.urlsafe_b64encode(json.dumps(oob["invitation"]).encode()).decode()
        return web.json_response(
            {
                "state": "initial",
                "oob_id": oob["oob_id"],
                "invi_msg_id": record["invitation_msg_id"],
                "invitation": oob["invitation"],
                "invitation_url": "http://127.0.0.1:9?oob=" + encoded.rstrip("="),
            }
        )

    async def _oob_records(self, request: web.Request) -> web.Response:
        wanted = {k: v for k, v in request.query.items() if k in ("invi_msg_id", "role", "state")}
        found = [o for o in self.oob_records if all(o.get(k) == v for k, v in wanted.items())]
        return web.json_response({"results": found})

    async def _delete_invitation(self, request: web.Request) -> web.Response:
        invi_msg_id = request.match_info["invi_msg_id"]
        self.connections[:] = [
            c for c in self.connections if c.get("invitation_msg_id") != invi_msg_id
        ]
        self.oob_records[:] = [o for o in self.oob_records if o["invi_msg_id"] != invi_msg_id]
        return web.json_response({})

    async def _delete_connection(self, request: web.Request) -> web.Response:
        record = self.connection(request.match_info["conn_id"])
        if record is None:
            return web.json_response({"message": "not found"}, status=404)
        self.connections.remove(record)
        return web.json_response({})


@pytest.fixture
async def wallet(tmp_path: Path):
    admin = InvitingAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False)
    async with serving(services) as (server, ui):
        yield admin, server, ui, services
    await close_services(services)
    await admin.close()


async def _call(server, method: str, path: str, **headers: str) -> tuple[int, Any, str]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, headers={**API, **headers}) as response:
            text = await response.text()
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            return response.status, body, text


def _decoded(url: str) -> dict[str, Any]:
    encoded = url.split("?oob=", 1)[1]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


async def test_reading_never_makes_an_invitation(wallet) -> None:
    admin, server, _, _ = wallet
    for _ in range(3):
        status, body, _ = await _call(server, "GET", "/api/invitation")
        assert status == 404
        assert body["error"]["code"] == "no_invitation"
        assert body["error"]["message"] and body["error"]["hint"]
    status, _, page = await _call(server, "GET", "/connections")
    assert status == 200
    assert 'data-api-url="/api/invitation"' in page and "Show my invitation" in page
    assert admin.creations() == 0
    assert admin.connections == [] and admin.oob_records == []


async def test_made_when_asked_then_reused_until_answered(wallet) -> None:
    admin, server, _, services = wallet
    status, made, _ = await _call(server, "POST", "/api/invitation")
    assert status == 201, made
    assert admin.creations() == 1
    assert "multi_use=false" in next(c for c in admin.calls if "create-invitation" in c)
    assert made["qr_svg"].startswith("<svg")
    assert _decoded(made["url"]) == made["invitation"]
    lifetime = services.settings.invitation_lifetime
    created = datetime.fromisoformat(made["created_at"])
    assert datetime.fromisoformat(made["expires_at"]) - created == timedelta(seconds=lifetime)

    status, again, _ = await _call(server, "POST", "/api/invitation")
    assert status == 200
    status, shown, _ = await _call(server, "GET", "/api/invitation")
    assert status == 200
    for other in (again, shown):
        assert other["invitation_id"] == made["invitation_id"]
        assert other["expires_at"] == made["expires_at"]
        assert _decoded(other["url"]) == made["invitation"]
    assert admin.creations() == 1

    admin.answer(admin.connections[0], "Open Learning Institute")
    status, body, _ = await _call(server, "GET", "/api/invitation")
    assert status == 404 and body["error"]["code"] == "no_invitation"
    status, fresh, _ = await _call(server, "POST", "/api/invitation")
    assert status == 201
    assert fresh["invitation_id"] != made["invitation_id"]
    assert admin.creations() == 2


async def test_a_double_click_makes_one_invitation(wallet) -> None:
    admin, server, _, _ = wallet
    answers = await asyncio.gather(*(_call(server, "POST", "/api/invitation") for _ in range(4)))
    assert sorted(status for status, _, _ in answers) == [200, 200, 200, 201]
    assert len({body["invitation_id"] for _, body, _ in answers}) == 1
    assert admin.creations() == 1


async def test_an_expired_invitation_is_deleted_and_replaced(wallet) -> None:
    admin, server, _, _ = wallet
    old = admin.invitation(age=DAY + 5)
    status, _, _ = await _call(server, "GET", "/api/invitation")
    assert status == 404
    assert f"DELETE /out-of-band/invitations/{old['invitation_msg_id']}" in admin.calls
    assert admin.connections == [] and admin.oob_records == []

    young = admin.invitation(age=DAY - 60)
    status, shown, _ = await _call(server, "GET", "/api/invitation")
    assert status == 200 and shown["invitation_id"] == young["invitation_msg_id"]
    expires = datetime.fromisoformat(shown["expires_at"])
    assert timedelta(seconds=50) < expires - datetime.now(UTC) < timedelta(seconds=70)


async def test_the_lifetime_is_a_setting(tmp_path: Path) -> None:
    admin = InvitingAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False, invitation_lifetime=600)
    try:
        async with serving(services) as (server, _):
            kept = admin.invitation(age=500)
            admin.invitation(age=700)
            status, shown, _ = await _call(server, "POST", "/api/invitation")
            assert status == 200 and shown["invitation_id"] == kept["invitation_msg_id"]
            assert [c["connection_id"] for c in admin.connections] == [kept["connection_id"]]
    finally:
        await close_services(services)
        await admin.close()


async def test_old_multi_use_invitations_are_deleted_but_not_the_connections_they_made(
    wallet,
) -> None:
    """What earlier versions left: one multi-use invitation per page view, some answered."""
    admin, _, _, services = wallet
    unanswered = [admin.invitation(age=30, multi_use=True) for _ in range(3)]
    answered = admin.invitation(age=40, multi_use=True)
    made_from_it = {
        "connection_id": "peer-1",
        "state": "active",
        "their_role": "invitee",
        "their_label": "Open Learning Institute",
        "invitation_msg_id": answered["invitation_msg_id"],
        "created_at": answered["created_at"],
    }
    admin.connections.append(made_from_it)
    flow = asyncio.create_task(own_invitations_flow(services))
    try:
        await _until(lambda: len(admin.connections) == 1, "the old invitations to be deleted")
    finally:
        flow.cancel()
        await asyncio.gather(flow, return_exceptions=True)
    assert admin.connections == [made_from_it]
    for record in unanswered:
        assert f"DELETE /out-of-band/invitations/{record['invitation_msg_id']}" in admin.calls
    assert f"DELETE /connections/{answered['connection_id']}" in admin.calls
    assert f"DELETE /out-of-band/invitations/{answered['invitation_msg_id']}" not in admin.calls
    assert admin.creations() == 0


async def test_start_up_costs_one_list_call_when_nothing_is_stale(wallet) -> None:
    admin, _, _, services = wallet
    admin.invitation(age=10)
    flow = asyncio.create_task(own_invitations_flow(services))
    try:
        # It subscribes to the bus once its first look is done, then waits.
        await _until(lambda: services.bus.subscriber_count == 1, "the flow to wait")
    finally:
        flow.cancel()
        await asyncio.gather(flow, return_exceptions=True)
    assert admin.calls == ["GET /connections?state=invitation&their_role=invitee&limit=10000"]


async def test_an_invitation_is_deleted_when_it_expires(tmp_path: Path) -> None:
    """The flow sleeps until the expiry; a new invitation's webhook wakes it to look."""
    admin = InvitingAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False, invitation_lifetime=1)
    flow = asyncio.create_task(own_invitations_flow(services))
    try:
        await _until(lambda: admin.calls, "the flow's first look")
        record = admin.invitation()
        services.bus.publish(AgentEvent(topic="connections", payload=dict(record)))
        await _until(lambda: admin.connections == [], "the expired invitation to be deleted")
        assert f"DELETE /out-of-band/invitations/{record['invitation_msg_id']}" in admin.calls
    finally:
        flow.cancel()
        await asyncio.gather(flow, return_exceptions=True)
        await close_services(services)
        await admin.close()


async def test_our_unanswered_invitations_are_not_listed_as_connections(wallet) -> None:
    admin, server, _, _ = wallet
    admin.invitation(age=5)
    admin.invitation(age=DAY * 3, multi_use=True)
    answered = admin.invitation(age=60)
    admin.answer(answered, "Open Learning Institute")
    theirs = {
        "connection_id": "theirs-1",
        "state": "invitation",
        "their_role": "inviter",
        "their_label": "Employer Ltd",
        "created_at": _iso(datetime.now(UTC)),
    }
    admin.connections.append(theirs)
    status, body, _ = await _call(server, "GET", "/api/connections")
    assert status == 200
    listed = {c["id"] for c in body["connections"]}
    assert listed == {answered["connection_id"], "theirs-1"}
    status, _, page = await _call(server, "GET", "/connections")
    assert "Open Learning Institute" in page and "Employer Ltd" in page
    assert page.count('class="card"') == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Valid until", "; it works for one connection.", "QR code of your invitation"]),
        ("de", ["Gültig bis", " Uhr. Sie gilt für eine einzige Verbindung.", "QR-Code Ihrer"]),
    ],
)
async def test_the_page_shows_the_code_the_link_and_until_when(wallet, language, words) -> None:
    admin, server, _, _ = wallet
    status, made, _ = await _call(server, "POST", "/api/invitation")
    assert status == 201
    status, _, page = await _call(server, "GET", "/connections", **{"Accept-Language": language})
    assert status == 200
    assert '<img class="qr" src="data:image/svg+xml;base64,' in page
    assert made["url"] in page.replace("&amp;", "&")
    assert 'data-api-url="/api/invitation"' not in page
    for word in words:
        assert word in page, word
    expires = datetime.fromisoformat(made["expires_at"]).astimezone()
    assert f"{expires.hour:02d}:{expires.minute:02d}" in page
    assert str(expires.year) in page
    assert admin.creations() == 1


async def _until(predicate, what: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
