"""A prompt waiting for a credential is rebuilt when one is stored (issue #17, point 6):
which requests are rebuilt, which are not, and what the learner is told (admin API faked).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent.events import AgentEvent
from protocols.presentation.flow import Deadlines, on_hint, presentation_flow
from protocols.presentation.pending import RequestStatus
from protocols.presentation.waiting import UPDATED_TOPIC, rebuild_waiting
from protocols.wallet_services import WalletServices
from tests.unit.backup_wallet import eventually
from tests.unit.presentation_fakes import FakeProofAdmin
from tests.unit.test_consent_fixtures import (
    TRUST,
    anoncreds_candidates,
    anoncreds_request,
    exchange_record,
)
from tests.unit.wallet_site import close_services, make_services

EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"
STORED = AgentEvent(
    topic="credential_stored",
    payload={"credential_id": "anoncreds:c-new", "title": "degree 1.0", "cred_ex_id": "x1"},
    source="wallet",
)


class Wallet:
    def __init__(self, admin: FakeProofAdmin, services: WalletServices) -> None:
        self.admin = admin
        self.services = services

    async def request_without_credentials(self) -> None:
        """A proof request arrives while the learner holds nothing that answers it."""
        self.admin.add(exchange_record({"anoncreds": anoncreds_request()}), [])
        await on_hint(self.services, EXCHANGE, Deadlines(self.services))

    def credential_arrives(self) -> None:
        """ACA-Py now holds a credential that answers every part."""
        self.admin.candidates[EXCHANGE] = anoncreds_candidates()

    def candidate_reads(self) -> int:
        return sum("/credentials" in call for call in self.admin.calls)


@pytest.fixture
async def wallet(tmp_path: Path) -> AsyncIterator[Wallet]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST)
    yield Wallet(admin, services)
    await close_services(services)
    await admin.close()


async def test_a_stored_credential_makes_a_waiting_prompt_answerable_and_says_so(
    wallet: Wallet,
) -> None:
    await wallet.request_without_credentials()
    before = wallet.services.requests.get(EXCHANGE)
    assert before is not None and not before.answerable
    assert wallet.services.requests.lacking() == [EXCHANGE]
    wallet.credential_arrives()
    async with wallet.services.bus.subscribe() as events:
        assert await rebuild_waiting(wallet.services, STORED) == [EXCHANGE]
        told = events.get_nowait()
    after = wallet.services.requests.get(EXCHANGE)
    assert after is not None and after.answerable and after.status is RequestStatus.WAITING
    assert after.arrived == ["degree 1.0"]
    assert after.received_at == before.received_at, "still the request that came then"
    assert wallet.services.requests.lacking() == []
    assert (told.topic, told.source) == (UPDATED_TOPIC, "wallet")
    assert told.payload == {
        "exchange_id": EXCHANGE,
        "answerable": True,
        "was_answerable": False,
        "credential_id": "anoncreds:c-new",
        "title": "degree 1.0",
    }
    assert wallet.admin.sent == [], "a rebuild never answers"


async def test_an_answered_request_is_not_rebuilt(wallet: Wallet) -> None:
    await wallet.request_without_credentials()
    wallet.services.requests.update(EXCHANGE, status=RequestStatus.SENT)
    wallet.credential_arrives()
    reads = wallet.candidate_reads()
    assert await rebuild_waiting(wallet.services, STORED) == []
    assert wallet.candidate_reads() == reads, "nothing asked of ACA-Py"
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending is not None and not pending.answerable and pending.arrived == []


async def test_a_declined_or_withdrawn_request_is_not_rebuilt(wallet: Wallet) -> None:
    await wallet.request_without_credentials()
    wallet.admin.records[EXCHANGE]["state"] = "abandoned"  # declined meanwhile
    wallet.credential_arrives()
    async with wallet.services.bus.subscribe() as events:
        assert await rebuild_waiting(wallet.services, STORED) == []
        assert events.empty()
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending is not None and pending.arrived == []


async def test_a_credential_of_another_format_does_not_touch_an_anoncreds_prompt(
    wallet: Wallet,
) -> None:
    await wallet.request_without_credentials()
    wallet.credential_arrives()
    reads = wallet.candidate_reads()
    w3c = AgentEvent(topic="credential_stored", payload={"credential_id": "w3c:v1"})
    assert await rebuild_waiting(wallet.services, w3c) == []
    assert wallet.candidate_reads() == reads, "a W3C credential cannot answer AnonCreds parts"


async def test_an_answerable_request_is_not_in_the_waiting_set(wallet: Wallet) -> None:
    wallet.admin.add(exchange_record({"anoncreds": anoncreds_request()}), anoncreds_candidates())
    await on_hint(wallet.services, EXCHANGE, Deadlines(wallet.services))
    assert wallet.services.requests.lacking() == []
    reads = wallet.candidate_reads()
    assert await rebuild_waiting(wallet.services, STORED) == []
    assert wallet.candidate_reads() == reads


async def test_an_unrelated_credential_leaves_the_prompt_and_the_page_alone(
    wallet: Wallet,
) -> None:
    await wallet.request_without_credentials()
    before = wallet.services.requests.get(EXCHANGE)
    async with wallet.services.bus.subscribe() as events:
        assert await rebuild_waiting(wallet.services, STORED) == []  # still no candidate
        assert events.empty()
    assert wallet.services.requests.get(EXCHANGE) == before
    assert wallet.services.requests.lacking() == [EXCHANGE], "still waiting for one"


async def test_the_running_flow_rebuilds_on_the_store_s_event(wallet: Wallet) -> None:
    await wallet.request_without_credentials()
    wallet.credential_arrives()
    flow = asyncio.create_task(presentation_flow(wallet.services))
    try:
        async with wallet.services.bus.subscribe() as events:
            await eventually(lambda: wallet.services.bus.subscriber_count == 2, "the flow")
            wallet.services.bus.publish(STORED)
            async with asyncio.timeout(10):
                while (event := await events.get()).topic != UPDATED_TOPIC:
                    pass
    finally:
        flow.cancel()
    assert event.payload["exchange_id"] == EXCHANGE and event.payload["answerable"] is True
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending is not None and pending.answerable
