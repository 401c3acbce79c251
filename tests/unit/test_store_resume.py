"""Issue #15 (a): a credential that arrived but whose store a crash cut off is stored by the
wallet itself, once, at start-up, after ACA-Py restarts, when the mediator is back, and when
it stands still; never given up on after 15 s.

ACA-Py is faked at the HTTP boundary. The fake's finish-store route keeps the contract of
`agent/plugins/handled_inbound` (tested against the real agent in the integration tests):
it acts only at `credential-received`, answers `busy` while ACA-Py is on it, and stores once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from agent.events import AgentEvent
from config.settings import WalletSettings
from protocols.issuance.deadline import STORE_RESUME_AFTER
from protocols.issuance.flow import offer_inbox
from protocols.issuance.notes import OfferNotes, failed
from protocols.recovery import recovery_flow
from protocols.wallet_services import WalletServices
from tests.unit.offer_fakes import FakeHolderAdmin, anoncreds_record, detail, ld_record
from tests.unit.test_offers_inbox import Harness
from wallet.wallet_key import WalletRecord

LONG_AGO = "2020-01-01T00:00:00.000000Z"
DEADLINE = 10.0


class FakeResumingAdmin(FakeHolderAdmin):
    """Plus `POST /learner-wallet/issue-credential/records/{id}/finish-store`."""

    def __init__(self) -> None:
        super().__init__()
        self.stores: Counter[str] = Counter()
        self.resume_calls: list[tuple[str, float]] = []
        self.busy: set[str] = set()
        self.fail_with: dict[str, str] = {}

    def add_routes(self, app: web.Application) -> None:
        super().add_routes(app)
        app.router.add_post(
            "/learner-wallet/issue-credential/records/{cred_ex_id}/finish-store", self._finish
        )

    def received(self, body: dict[str, Any]) -> str:
        """An exchange whose credential arrived long ago and was never stored."""
        body["cred_ex_record"].update(state="credential-received", updated_at=LONG_AGO)
        self.offer(body)
        return str(body["cred_ex_record"]["cred_ex_id"])

    async def _finish(self, request: web.Request) -> web.Response:
        cred_ex_id = request.match_info["cred_ex_id"]
        self.resume_calls.append((cred_ex_id, (await request.json())["min_idle"]))
        body = self.details.get(cred_ex_id)
        if body is None:
            return web.json_response({"message": "Record not found"}, status=404)
        record = body["cred_ex_record"]
        answer = {"state": record["state"], "credential_id": None, "error": None}
        if record["state"] != "credential-received":
            return web.json_response({**answer, "outcome": "not-needed"})
        if cred_ex_id in self.busy:
            return web.json_response({**answer, "outcome": "busy"})
        if cred_ex_id in self.fail_with:
            error = self.fail_with[cred_ex_id]
            return web.json_response({**answer, "outcome": "failed", "error": error})
        self.stores[cred_ex_id] += 1
        record["state"] = "done"
        fmt = "ld_proof" if "ld_proof" in record["by_format"]["cred_offer"] else "anoncreds"
        body[fmt] = {"cred_ex_id": cred_ex_id, "cred_id_stored": f"cred-{cred_ex_id}"}
        answer.update(state="done", credential_id=f"cred-{cred_ex_id}")
        return web.json_response({**answer, "outcome": "stored"})


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    admin = FakeResumingAdmin()
    await admin.start()
    harness = Harness(admin, tmp_path)
    yield harness
    await harness.close()
    await admin.close()


def admin_of(harness: Harness) -> FakeResumingAdmin:
    assert isinstance(harness.admin, FakeResumingAdmin)
    return harness.admin


async def test_start_up_stores_every_interrupted_credential_once(harness: Harness) -> None:
    admin = admin_of(harness)
    ld = admin.received(detail(ld_record("c1")))
    anoncreds = admin.received(detail(anoncreds_record("c2")))
    admin.offer(detail(ld_record("r1", state="request-sent")))
    admin.offer(detail(ld_record("d1", state="done"), stored="cred-d1"))
    inbox = await harness.inbox()
    async with harness.bus.subscribe() as events:
        finished = await inbox.finish_interrupted_stores()
        updates = [events.get_nowait() for _ in range(events.qsize())]
    assert {(o.id, o.state, o.credential_id) for o in finished} == {
        (ld, "done", f"w3c:cred-{ld}"),  # the one id form of /api/credentials (#17 point 7)
        (anoncreds, "done", f"anoncreds:cred-{anoncreds}"),
    }
    assert {e.payload["offer_id"] for e in updates if e.payload["state"] == "done"} == {
        ld,
        anoncreds,
    }
    # Idempotent: a second run (another restart) finds nothing left to store.
    assert await (await harness.inbox()).finish_interrupted_stores() == []
    assert admin.stores == Counter({ld: 1, anoncreds: 1})
    assert {call[0] for call in admin.resume_calls} == {ld, anoncreds}


async def test_a_store_acapy_is_still_on_is_left_alone_then_finished_by_the_deadline_check(
    harness: Harness,
) -> None:
    admin = admin_of(harness)
    cred_ex_id = admin.received(detail(ld_record("c1")))
    admin.busy.add(cred_ex_id)
    inbox = await harness.inbox(exchange_timeout=60)
    assert await inbox.finish_interrupted_stores() == []
    (offer,) = await inbox.mark_overdue()  # still busy when its 60 s are over: failed...
    assert offer.state == "failed" and "could not be stored within 60 s" in (offer.failure or "")
    # ...a store that never got its turn fails; one that gets it later still succeeds.
    admin.busy.clear()
    finished = await (await harness.inbox()).finish_interrupted_stores()
    assert [(o.id, o.state) for o in finished] == [(cred_ex_id, "done")]
    assert admin.stores[cred_ex_id] == 1


async def test_the_deadline_check_resumes_after_a_short_stand_not_before(harness: Harness) -> None:
    admin = admin_of(harness)
    cred_ex_id = admin.received(detail(anoncreds_record("c1")))
    record = admin.details[cred_ex_id]["cred_ex_record"]
    just_now = datetime.now(UTC) - timedelta(seconds=1)
    record["updated_at"] = just_now.isoformat().replace("+00:00", "Z")
    inbox = await harness.inbox(exchange_timeout=60)
    assert await inbox.mark_overdue() == []
    assert admin.resume_calls == []  # ACA-Py's own auto-store gets its time first
    stood = datetime.now(UTC) - timedelta(seconds=STORE_RESUME_AFTER + 1)
    record["updated_at"] = stood.isoformat().replace("+00:00", "Z")
    assert await inbox.mark_overdue() == []
    assert admin.resume_calls == [(cred_ex_id, STORE_RESUME_AFTER)]
    assert (await inbox.get(cred_ex_id)).state == "done"


async def test_a_short_timeout_asks_acapy_for_a_shorter_stand(harness: Harness) -> None:
    admin = admin_of(harness)
    cred_ex_id = admin.received(detail(ld_record("c1")))
    inbox = await harness.inbox(exchange_timeout=3)
    await inbox.mark_overdue()
    assert admin.resume_calls == [(cred_ex_id, 3.0)]


async def test_a_store_that_fails_shows_failed_with_acapys_reason(harness: Harness) -> None:
    admin = admin_of(harness)
    cred_ex_id = admin.received(detail(anoncreds_record("c1")))
    admin.fail_with[cred_ex_id] = "Error storing credential"
    inbox = await harness.inbox(exchange_timeout=60)
    (shown,) = await inbox.mark_overdue()
    assert shown.id == cred_ex_id and shown.state == "failed"
    assert (
        shown.failure == "the credential arrived but could not be stored: Error storing credential"
    )
    assert await inbox.mark_overdue() == []  # noted once: not tried every few seconds
    assert len(admin.resume_calls) == 1


async def test_an_offer_failed_by_the_old_15_s_rule_is_recovered_at_start_up(
    harness: Harness,
) -> None:
    """What the issue measured: offers `failed` while ACA-Py still held the credential."""
    admin = admin_of(harness)
    cred_ex_id = admin.received(detail(ld_record("c1")))
    old_reason = "the credential arrived but could not be stored within 15 s"
    inbox = await harness.inbox()
    await OfferNotes(harness.stores[0]).update(cred_ex_id, failed(old_reason, datetime.now(UTC)))
    assert (await inbox.get(cred_ex_id)).state == "failed"
    (recovered,) = await inbox.finish_interrupted_stores()
    assert (recovered.state, recovered.failure) == ("done", None)


async def test_recovery_runs_at_start_after_acapy_restarts_and_when_the_mediator_is_back(
    harness: Harness, tmp_path: Path
) -> None:
    admin = admin_of(harness)
    first = admin.received(detail(ld_record("c1")))
    await harness.inbox()  # opens the controller store the services use (harness.stores)
    services = WalletServices(
        data_dir=harness.data_dir,
        settings=WalletSettings(),
        record=WalletRecord(wallet_name="w", key_storage="keyring", created=datetime.now(UTC)),
        agent=None,  # type: ignore[arg-type]  # the flow never touches the process
        client=harness.client,
        bus=harness.bus,
        store=harness.stores[0],
    )
    assert offer_inbox(services) is not None
    flow = asyncio.create_task(recovery_flow(services))
    try:
        await stored(admin, first)
        after_restart = admin.received(detail(anoncreds_record("c2")))
        harness.bus.publish(AgentEvent(topic="agent_state", payload={"state": "restarting"}))
        harness.bus.publish(AgentEvent(topic="agent_state", payload={"state": "ready"}))
        await stored(admin, after_restart)
        after_reconnect = admin.received(detail(ld_record("c3")))
        harness.bus.publish(AgentEvent(topic="delivery", payload={"state": "connected"}))
        await stored(admin, after_reconnect)
    finally:
        flow.cancel()
        # Bounded: once in about 25 runs on 2 busy cores the flow stayed "cancelling" on a
        # future that never resolved (Session 11, not yet understood); fail, never hang.
        done, _ = await asyncio.wait({flow}, timeout=DEADLINE)
        assert flow in done, f"the recovery flow did not stop: {flow!r}"
    assert admin.stores == Counter({first: 1, after_restart: 1, after_reconnect: 1})
    # After the restart the flow read open exchanges again, as reconciliation at start-up does.
    assert any(call.startswith("GET /connections?state=") for call in admin.calls)


async def stored(admin: FakeResumingAdmin, cred_ex_id: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not admin.stores[cred_ex_id]:
        assert time.monotonic() < deadline, f"{cred_ex_id} was never stored"
        await asyncio.sleep(0.01)


async def test_an_agent_without_the_resume_route_still_gets_its_deadline(tmp_path: Path) -> None:
    """A refused resume (here: no such route, 404) is logged; the exchange still fails in time."""
    admin = FakeHolderAdmin()
    await admin.start()
    harness = Harness(admin, tmp_path)
    try:
        body = detail(ld_record("c1"))
        body["cred_ex_record"].update(state="credential-received", updated_at=LONG_AGO)
        admin.offer(body)
        inbox = await harness.inbox(exchange_timeout=60)
        assert await inbox.finish_interrupted_stores() == []
        (offer,) = await inbox.mark_overdue()
        assert offer.state == "failed" and "within 60 s" in (offer.failure or "")
    finally:
        await harness.close()
        await admin.close()
