"""Webhooks that say enough are used as they are: fewer reads while ACA-Py runs the protocol.

Counted at the fake admin's HTTP boundary; what the learner sees must not change.
"""

from __future__ import annotations

from typing import Any

from agent.events import AgentEvent
from tests.unit.offer_fakes import detail, ld_record
from tests.unit.test_consent_fixtures import anoncreds_candidates
from tests.unit.test_credential_sync import World, world  # noqa: F401 (fixture)
from tests.unit.test_offers_inbox import Harness, harness  # noqa: F401 (fixture)
from tests.unit.test_presentation_flow import (  # noqa: F401 (fixture)
    EXCHANGE,
    Wallet,
    degree_request,
    wallet,
)
from wallet.credentials.sync import handle_event

ISSUE = "issue_credential_v2_0"


def webhook(topic: str, source: str = "webhook", **payload: Any) -> AgentEvent:
    return AgentEvent(topic=topic, payload=payload, source=source)


def exchange_reads(harness: Harness, cred_ex_id: str) -> int:  # noqa: F811
    return harness.admin.calls.count(f"GET /issue-credential-2.0/records/{cred_ex_id}")


async def test_an_accepted_issuance_moves_on_webhooks_alone(harness: Harness) -> None:  # noqa: F811
    harness.admin.connections[0]["state"] = "active"
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    async with harness.bus.subscribe() as queue:
        await inbox.on_exchange_event("l1", webhook(ISSUE, cred_ex_id="l1", state="offer-received"))
        assert exchange_reads(harness, "l1") == 1  # a new offer: its body must be read
        offer = await inbox.accept("l1")  # the offer as just read: not read again
        assert offer.exchange_state == "request-sent"
        for state in ("request-sent", "credential-received"):
            hint = webhook(ISSUE, cred_ex_id="l1", state=state, updated_at="2025-06-01T10:00:01Z")
            await inbox.on_exchange_event("l1", hint)
        stored = webhook(f"{ISSUE}_ld_proof", cred_ex_id="l1", cred_id_stored="w-77")
        await inbox.on_exchange_event("l1", stored)
        await inbox.on_exchange_event("l1", webhook(ISSUE, cred_ex_id="l1", state="done"))
        assert exchange_reads(harness, "l1") == 1
        states = []
        while not queue.empty():
            event = queue.get_nowait()
            if event.topic in ("offer_received", "offer_updated"):
                states.append((event.payload["state"], event.payload.get("credential_id")))
    assert states == [("pending", None), ("accepted", None), ("done", "w3c:w-77")]
    assert inbox.awaiting == frozenset()


async def test_done_without_the_stored_id_and_reconcile_hints_are_read(
    harness: Harness,  # noqa: F811
) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    await inbox.on_exchange_event("l1", webhook(ISSUE, cred_ex_id="l1", state="offer-received"))
    record = harness.admin.details["l1"]["cred_ex_record"]
    harness.admin.details["l1"] = detail({**record, "state": "done"}, stored="w-1")
    done = await inbox.on_exchange_event("l1", webhook(ISSUE, cred_ex_id="l1", state="done"))
    assert done is not None and done.credential_id == "w3c:w-1"
    assert exchange_reads(harness, "l1") == 2
    reconciled = webhook(ISSUE, source="reconcile", cred_ex_id="l1", state="done")
    await inbox.on_exchange_event("l1", reconciled)
    assert exchange_reads(harness, "l1") == 3


async def test_a_failure_or_a_late_webhook_never_moves_the_offer_from_the_hint(
    harness: Harness,  # noqa: F811
) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    await inbox.on_exchange_event("l1", webhook(ISSUE, cred_ex_id="l1", state="offer-received"))
    await inbox.accept("l1")
    late = await inbox.on_exchange_event(
        "l1", webhook(ISSUE, cred_ex_id="l1", state="offer-received")
    )
    assert late is None and exchange_reads(harness, "l1") == 1
    harness.admin.details["l1"]["cred_ex_record"].update(state="abandoned", error_msg="issuer: no")
    failed = await inbox.on_exchange_event(
        "l1", webhook(ISSUE, cred_ex_id="l1", state="abandoned", error_msg="issuer: no")
    )
    assert failed is not None and failed.state == "failed"
    assert exchange_reads(harness, "l1") == 2


async def test_indexing_uses_the_stored_id_webhook_instead_of_the_exchange(
    world: World,  # noqa: F811
) -> None:
    world.holder.add_w3c("w9", "Marine Biology", "2025-01-01T00:00:00Z")
    world.holder.add_exchange("x9", "ld_proof", "w9", "t9")
    events = [
        webhook(f"{ISSUE}_ld_proof", cred_ex_id="x9", cred_id_stored="w9"),
        webhook(ISSUE, cred_ex_id="x9", state="done", updated_at="2025-01-02T00:00:00Z"),
    ]
    for event in events:
        await handle_event(world.credentials, world.client, event)
    assert world.holder.calls.count("GET /issue-credential-2.0/records/x9") == 0
    indexed = await world.credentials.index.get("w3c:w9")
    assert indexed is not None and indexed.received is not None
    # without the stored-id webhook the exchange is read, as before
    world.holder.add_w3c("w10", "Botany", "2025-01-03T00:00:00Z")
    world.holder.add_exchange("x10", "ld_proof", "w10", "t10")
    await handle_event(
        world.credentials, world.client, webhook(ISSUE, cred_ex_id="x10", state="done")
    )
    assert world.holder.calls.count("GET /issue-credential-2.0/records/x10") == 1
    assert await world.credentials.index.get("w3c:w10") is not None


async def test_after_approval_the_proof_webhooks_are_not_read_back(
    wallet: Wallet,  # noqa: F811
) -> None:
    from protocols.presentation.answers import approve
    from protocols.presentation.flow import on_sure_hint

    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await approve(wallet.services, EXCHANGE, None)
    reads_before = wallet.admin.calls.count(f"GET /present-proof-2.0/records/{EXCHANGE}")
    services, deadlines = wallet.services, wallet.deadlines
    answered = AgentEvent(
        topic="request_answered",
        payload={"exchange_id": EXCHANGE, "state": "presentation-sent"},
        source="wallet",
    )
    sent = webhook(
        "present_proof_v2_0", pres_ex_id=EXCHANGE, role="prover", state="presentation-sent"
    )
    done = webhook(
        "present_proof_v2_0", pres_ex_id=EXCHANGE, role="prover", state="done", verified="true"
    )
    async with services.bus.subscribe() as queue:
        for event in (answered, sent, done):
            assert await on_sure_hint(services, EXCHANGE, deadlines, event)
        topics = [queue.get_nowait().topic for _ in range(queue.qsize())]
    assert wallet.admin.calls.count(f"GET /present-proof-2.0/records/{EXCHANGE}") == reads_before
    assert services.requests.get(EXCHANGE) is None
    assert (await wallet.history.for_exchange(EXCHANGE)).outcome == "verified"
    assert topics == ["request_done"]
    # a request-received hint, or one for an exchange the wallet did not answer, is read
    arrived = webhook("present_proof_v2_0", pres_ex_id="x", role="prover", state="request-received")
    assert not await on_sure_hint(services, "x", deadlines, arrived)
    unknown = webhook(
        "present_proof_v2_0", pres_ex_id="y", role="prover", state="presentation-sent"
    )
    assert not await on_sure_hint(services, "y", deadlines, unknown)
