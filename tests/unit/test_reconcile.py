from __future__ import annotations

import pytest

from agent.admin_client import AdminApiError, AdminClient
from agent.events import EventBus
from agent.reconcile import reconcile
from tests.unit.fake_admin import ADMIN_KEY, FakeAdminApi


@pytest.fixture
async def admin_api():
    api = FakeAdminApi()
    await api.start()
    yield api
    await api.close()


async def test_reconcile_rebuilds_pending_offers_and_requests(admin_api: FakeAdminApi) -> None:
    admin_api.cred_exchanges = [
        {"cred_ex_id": "offer-1", "state": "offer-received"},
        {"cred_ex_id": "done-1", "state": "done"},
        {"cred_ex_id": "waiting-1", "state": "request-sent"},
    ]
    admin_api.pres_exchanges = [
        {"pres_ex_id": "req-1", "state": "request-received"},
        {"pres_ex_id": "old", "state": "abandoned"},
    ]
    admin_api.connections = [{"connection_id": "c1", "state": "request"}]
    bus = EventBus()
    async with AdminClient(admin_api.url, ADMIN_KEY) as client, bus.subscribe() as queue:
        found = await reconcile(client, bus)
        events = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [offer.cred_ex_id for offer in found.offers] == ["offer-1"]
    assert [request.pres_ex_id for request in found.requests] == ["req-1"]
    assert [w.cred_ex_id for w in found.waiting_credentials] == ["waiting-1"]
    assert {(e.topic, e.source) for e in events} == {
        ("connections", "reconcile"),
        ("issue_credential_v2_0", "reconcile"),
        ("present_proof_v2_0", "reconcile"),
    }
    assert len(events) == 4


async def test_admin_client_reports_a_refusal_with_its_status(admin_api: FakeAdminApi) -> None:
    async with AdminClient(admin_api.url, "wrong key") as client:
        with pytest.raises(AdminApiError) as caught:
            await client.status()
        assert caught.value.status == 401
        assert not await client.is_ready()


async def test_admin_client_reports_an_unreachable_agent() -> None:
    async with AdminClient("http://127.0.0.1:9", ADMIN_KEY) as client:
        with pytest.raises(AdminApiError, match="not reachable"):
            await client.status()
