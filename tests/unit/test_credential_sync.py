"""StoredCredentials and the sync flow against a fake holder admin API and a real Askar store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.events import AgentEvent, EventBus
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialId, CredentialSearch
from wallet.credentials.source import CredentialNotFound
from wallet.credentials.stored import REVOKED_TOPIC, StoredCredentials
from wallet.credentials.sync import credentials_flow, handle_event, parse_notice

KEY = "unit-key"
ISSUER = "did:web:127.0.0.1%3A9:issuers:oli"
SCHEMA = f"{ISSUER}?service=anoncreds&relativeRef=/schema/S1"
CRED_DEF = f"{ISSUER}?service=anoncreds&relativeRef=/credDef/C1"
REV_REG = f"{ISSUER}?service=anoncreds&relativeRef=/revRegDef/R1"


class FakeHolder:
    """The holder endpoints the credential view reads, with canned records."""

    def __init__(self) -> None:
        self.anoncreds: dict[str, dict[str, Any]] = {}
        self.w3c: dict[str, dict[str, Any]] = {}
        self.exchanges: list[dict[str, Any]] = []
        self.revoked: set[str] = set()
        self.calls: list[str] = []
        self.server: TestServer | None = None

    def add_anoncreds(self, ref: str, cred_rev_id: str | None = "1", **attrs: str) -> None:
        self.anoncreds[ref] = {
            "referent": ref, "schema_id": SCHEMA, "cred_def_id": CRED_DEF,
            "rev_reg_id": REV_REG if cred_rev_id else None, "cred_rev_id": cred_rev_id,
            "attrs": attrs,
        }  # fmt: skip

    def add_w3c(self, ref: str, title: str, issued: str) -> None:
        document = {
            "type": ["VerifiableCredential", "MicroCredential"],
            "issuer": "did:key:z6MkIssuer",
            "issuanceDate": issued,
            "credentialSubject": {"courseTitle": title},
            "proof": {"type": "Ed25519Signature2020"},
        }
        self.w3c[ref] = {"record_id": ref, "cred_value": document, "proof_types": []}

    def add_exchange(self, cred_ex_id: str, fmt: str, stored: str, thread_id: str) -> None:
        record = {
            "cred_ex_id": cred_ex_id, "state": "done", "role": "holder",
            "connection_id": "conn-1", "thread_id": thread_id,
            "updated_at": "2026-01-01T00:00:00.000000Z",
        }  # fmt: skip
        self.exchanges.append({"cred_ex_record": record, fmt: {"cred_id_stored": stored}})

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application(middlewares=[self._key])
        routes = app.router
        routes.add_get("/credentials", self._list_anoncreds)
        routes.add_get("/credential/revoked/{id}", self._revoked)
        routes.add_get("/credential/w3c/{id}", self._one(lambda: self.w3c))
        routes.add_delete("/credential/w3c/{id}", self._delete(lambda: self.w3c))
        routes.add_get("/credential/{id}", self._one(lambda: self.anoncreds))
        routes.add_delete("/credential/{id}", self._delete(lambda: self.anoncreds))
        routes.add_post("/credentials/w3c", self._list_w3c)
        routes.add_get("/anoncreds/schema/{id}", self._schema)
        routes.add_get("/connections", self._connections)
        routes.add_get("/connections/{id}", self._connection)
        routes.add_get("/issue-credential-2.0/records", self._exchanges)
        routes.add_get("/issue-credential-2.0/records/{id}", self._exchange)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    @web.middleware
    async def _key(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls.append(f"{request.method} {request.path}")
        if request.headers.get("x-api-key") != KEY:
            return web.json_response({}, status=401)
        return await handler(request)

    async def _list_anoncreds(self, request: web.Request) -> web.Response:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return web.json_response({"results": list(self.anoncreds.values())[offset:][:limit]})

    async def _list_w3c(self, request: web.Request) -> web.Response:
        return web.json_response({"results": list(self.w3c.values())})

    def _one(self, records: Any) -> Any:
        async def handler(request: web.Request) -> web.Response:
            found = records().get(request.match_info["id"])
            return web.json_response(found) if found else web.json_response({}, status=404)

        return handler

    def _delete(self, records: Any) -> Any:
        async def handler(request: web.Request) -> web.Response:
            if records().pop(request.match_info["id"], None) is None:
                return web.json_response({}, status=404)
            return web.json_response({})

        return handler

    async def _revoked(self, request: web.Request) -> web.Response:
        ref = request.match_info["id"]
        if ref == "unreachable":
            return web.json_response({}, status=400)
        return web.json_response({"revoked": ref in self.revoked})

    async def _schema(self, request: web.Request) -> web.Response:
        assert request.match_info["id"] == SCHEMA
        return web.json_response({"schema": {"name": "Course result", "issuerId": ISSUER}})

    async def _connections(self, request: web.Request) -> web.Response:
        return web.json_response({"results": [{"connection_id": "conn-1", "their_label": "OLI"}]})

    async def _connection(self, request: web.Request) -> web.Response:
        return web.json_response({"connection_id": "conn-1", "their_label": "OLI"})

    async def _exchanges(self, request: web.Request) -> web.Response:
        thread_id = request.query.get("thread_id")
        found = [
            item for item in self.exchanges
            if thread_id is None or item["cred_ex_record"]["thread_id"] == thread_id
        ]  # fmt: skip
        return web.json_response({"results": found[int(request.query.get("offset", 0)) :]})

    async def _exchange(self, request: web.Request) -> web.Response:
        for item in self.exchanges:
            if item["cred_ex_record"]["cred_ex_id"] == request.match_info["id"]:
                return web.json_response(item)
        return web.json_response({}, status=404)


@dataclass
class World:
    holder: FakeHolder
    credentials: StoredCredentials
    bus: EventBus
    client: AdminClient
    store: Store
    events: list[AgentEvent] = field(default_factory=list)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    holder = FakeHolder()
    await holder.start()
    store = await Store.provision(f"sqlite://{tmp_path}/c.db", "raw", Store.generate_raw_key())
    client = AdminClient(holder.url, KEY)
    bus = EventBus()
    credentials = StoredCredentials(client, CredentialIndex(store), bus)
    yield World(holder, credentials, bus, client, store)
    await client.close()
    await store.close()
    assert holder.server is not None
    await holder.server.close()


async def listed(world: World, **search: Any) -> list[str]:
    page = await world.credentials.search(CredentialSearch.model_validate(search))
    return [item.id for item in page.items]


async def test_reconcile_adds_missing_drops_deleted_and_reads_only_new(world: World) -> None:
    world.holder.add_anoncreds("a1", course_title="Welding", score="80")
    world.holder.add_w3c("w1", "Data Literacy", "2025-05-01T00:00:00Z")
    world.holder.add_exchange("x1", "anoncreds", "a1", "t1")

    report = await world.credentials.reconcile()
    assert (report.added, report.removed, report.unchanged) == (2, 0, 0)
    anoncreds = await world.credentials.index.get("anoncreds:a1")
    assert anoncreds is not None
    assert (anoncreds.title, anoncreds.issuer_label, anoncreds.issuer_did) == (
        "Course result", "OLI", ISSUER,
    )  # fmt: skip
    assert anoncreds.status == "valid"  # the status list was asked once, when indexed
    assert await listed(world, q="weld") == ["anoncreds:a1"]

    del world.holder.w3c["w1"]
    world.holder.add_w3c("w2", "Carpentry", "2025-06-01T00:00:00Z")
    world.holder.calls.clear()
    report = await world.credentials.reconcile()
    assert (report.added, report.removed, report.unchanged) == (1, 1, 1)
    assert not any("/credential/revoked/" in call for call in world.holder.calls)
    assert set(await listed(world)) == {"anoncreds:a1", "w3c:w2"}


async def test_issuance_event_indexes_the_stored_credential(world: World) -> None:
    world.holder.add_w3c("w9", "Marine Biology", "2025-01-01T00:00:00Z")
    world.holder.add_exchange("x9", "ld_proof", "w9", "t9")
    event = AgentEvent(topic="issue_credential_v2_0", payload={"cred_ex_id": "x9", "state": "done"})
    async with world.bus.subscribe() as queue:
        await handle_event(world.credentials, world.client, event)
        told = queue.get_nowait()
    stored = await world.credentials.index.get("w3c:w9")
    assert stored is not None and stored.issuer_label == "OLI" and stored.title == "Marine Biology"
    # The UI refreshes its cards on this event, sent once the credential is indexed.
    assert (told.topic, told.payload) == (
        "credential_stored",
        {"credential_id": "w3c:w9", "title": "Marine Biology", "cred_ex_id": "x9"},
    )


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("revocation-notification", {"thread_id": f"indy::{REV_REG}::1", "comment": "sorry"}),
        ("revocation-notification-v2", {"credential_id": f"{REV_REG}::1", "comment": "sorry"}),
        ("revocation-notification", {"thread_id": "t1", "comment": "sorry"}),
    ],
)
async def test_revocation_notice_marks_revoked_and_tells_the_bus(
    world: World, topic: str, payload: dict[str, Any]
) -> None:
    world.holder.add_anoncreds("a1", course_title="Welding")
    world.holder.add_exchange("x1", "anoncreds", "a1", "t1")
    await world.credentials.reconcile()
    async with world.bus.subscribe() as queue:
        await handle_event(
            world.credentials, world.client, AgentEvent(topic=topic, payload=payload)
        )
        event = queue.get_nowait()
        assert queue.empty()
    assert event.topic == REVOKED_TOPIC
    assert event.payload == {
        "id": "anoncreds:a1", "title": "Course result", "source": "notification",
        "comment": "sorry",
    }  # fmt: skip
    assert [item.status for item in (await world.credentials.search(CredentialSearch())).items] == [
        "revoked"
    ]
    # A repeated notice changes nothing and tells nobody again.
    async with world.bus.subscribe() as queue:
        await handle_event(
            world.credentials, world.client, AgentEvent(topic=topic, payload=payload)
        )
        assert queue.empty()


def test_parse_notice_shapes() -> None:
    notice = parse_notice("revocation-notification", {"thread_id": f"indy::{REV_REG}::12"})
    assert (notice.rev_reg_id, notice.cred_rev_id) == (REV_REG, "12")
    other = parse_notice("revocation-notification", {"thread_id": "abc-thread"})
    assert (other.rev_reg_id, other.thread_id) == (None, "abc-thread")
    assert parse_notice("revocation-notification-v2", {}).thread_id is None


async def test_detail_checks_the_status_list_and_a_missed_notice_shows_revoked(
    world: World,
) -> None:
    world.holder.add_anoncreds("a1", course_title="Welding")
    await world.credentials.reconcile()
    world.holder.revoked.add("a1")
    async with world.bus.subscribe() as queue:
        detail = await world.credentials.detail(CredentialId(format="anoncreds", acapy_id="a1"))
        event = queue.get_nowait()
    assert detail.status == "revoked" and detail.raw is not None
    assert event.payload["source"] == "status-list"
    stored = await world.credentials.index.get("anoncreds:a1")
    assert stored is not None and stored.status == "revoked"


async def test_periodic_check_and_unreadable_status(world: World) -> None:
    world.holder.add_anoncreds("a1")
    world.holder.add_anoncreds("unreachable")
    await world.credentials.reconcile()
    unreadable = await world.credentials.index.get("anoncreds:unreachable")
    assert unreadable is not None and unreadable.status == "unknown"
    world.holder.revoked.add("a1")
    assert await world.credentials.check_revocations() == 1
    assert await world.credentials.check_revocations() == 0


async def test_delete_removes_from_agent_and_index(world: World) -> None:
    world.holder.add_w3c("w1", "Data", "2025-05-01T00:00:00Z")
    await world.credentials.reconcile()
    credential_id = CredentialId(format="w3c", acapy_id="w1")
    await world.credentials.delete(credential_id)
    assert world.holder.w3c == {} and await listed(world) == []
    with pytest.raises(CredentialNotFound):
        await world.credentials.delete(credential_id)
    with pytest.raises(CredentialNotFound):
        await world.credentials.detail(credential_id)


async def test_detail_of_a_credential_gone_at_the_agent_drops_it(world: World) -> None:
    world.holder.add_w3c("w1", "Data", "2025-05-01T00:00:00Z")
    await world.credentials.reconcile()
    world.holder.w3c.clear()
    with pytest.raises(CredentialNotFound):
        await world.credentials.detail(CredentialId(format="w3c", acapy_id="w1"))
    assert await world.credentials.index.ids() == set()


@dataclass
class Services:
    client: AdminClient
    bus: EventBus
    store: Any
    credentials: StoredCredentials | None = None


async def test_flow_reconciles_at_start_then_follows_events(world: World) -> None:
    world.holder.add_w3c("w1", "Data", "2025-05-01T00:00:00Z")
    services = Services(world.client, world.bus, type("S", (), {"store": world.store})())
    task = asyncio.create_task(credentials_flow(services))
    try:
        await _until(lambda: services.credentials is not None, "the flow to start")
        assert services.credentials is not None
        index = services.credentials.index
        await _until_async(lambda: index.get("w3c:w1"), "the start-up reconciliation")
        world.holder.add_w3c("w2", "More", "2025-06-01T00:00:00Z")
        world.holder.add_exchange("x2", "ld_proof", "w2", "t2")
        world.bus.publish(
            AgentEvent(topic="issue_credential_v2_0", payload={"cred_ex_id": "x2", "state": "done"})
        )
        await _until_async(lambda: index.get("w3c:w2"), "the issued credential to be indexed")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _until(check: Any, what: str) -> None:
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def _until_async(check: Any, what: str) -> None:
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")
