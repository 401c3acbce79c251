"""The present-proof flow against a faked admin API: prompts, refusals, consent before sending,
declines, deadlines and candidate paging.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.events import AgentEvent
from protocols.consent import (
    ConsentDecision,
    ItemChoice,
    TrustEntry,
    TrustList,
    build_prompt,
)
from protocols.presentation import flow
from protocols.presentation.answers import AnswerError, approve, decline
from protocols.presentation.candidates import PAGE
from protocols.presentation.flow import Deadlines, on_hint
from protocols.presentation.pending import RequestStatus
from protocols.wallet_services import WalletServices
from tests.unit.presentation_fakes import CONNECTION, FakeProofAdmin
from tests.unit.test_consent_fixtures import (
    ALL_REFERENTS,
    DEGREE_ATTRS,
    TRUST,
    UNI_CRED_DEF,
    anoncreds_candidate,
    anoncreds_candidates,
    anoncreds_request,
    exchange_record,
)
from tests.unit.wallet_site import close_services, make_services
from wallet.history import History

EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"


class Wallet:
    def __init__(self, admin: FakeProofAdmin, services: WalletServices) -> None:
        self.admin = admin
        self.services = services
        self.deadlines = Deadlines(services)

    async def hint(self, exchange_id: str = EXCHANGE) -> None:
        await on_hint(self.services, exchange_id, self.deadlines)

    @property
    def history(self) -> History:
        assert self.services.store is not None
        return History(self.services.store)


@pytest.fixture
async def wallet(tmp_path: Path) -> AsyncIterator[Wallet]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST, exchange_timeout=0.3)
    wallet = Wallet(admin, services)
    yield wallet
    wallet.deadlines.cancel_all()
    await close_services(services)
    await admin.close()


def degree_request() -> dict[str, Any]:
    return exchange_record({"anoncreds": anoncreds_request()}, comment="For the job")


async def test_a_request_becomes_a_prompt_and_an_event_and_nothing_is_sent(
    wallet: Wallet,
) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    async with wallet.services.bus.subscribe() as events:
        await wallet.hint()
        event = events.get_nowait()
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending is not None and pending.answerable and pending.status is RequestStatus.WAITING
    assert pending.prompt is not None and pending.prompt.verifier.label == "Acme Hiring"
    assert pending.verifier.did == CONNECTION["their_did"]
    assert pending.build_ms < 30
    assert event.topic == "request_received" and event.source == "wallet"
    assert event.payload == {
        "exchange_id": EXCHANGE,
        "connection_id": CONNECTION["connection_id"],
        "state": "request-received",
        "answerable": True,
    }
    assert wallet.admin.sent == [] and wallet.admin.problem_reports == []


async def test_a_second_hint_does_not_rebuild_or_announce_again(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    first = wallet.services.requests.get(EXCHANGE)
    async with wallet.services.bus.subscribe() as events:
        await wallet.hint()
        assert events.empty()
    assert wallet.services.requests.get(EXCHANGE) is first


async def test_a_second_request_from_the_same_verifier_reuses_its_connection(
    wallet: Wallet,
) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    second = {**degree_request(), "pres_ex_id": "second-request", "thread_id": "second-thread"}
    wallet.admin.add(second, anoncreds_candidates())
    await wallet.hint()
    await wallet.hint("second-request")
    connection_reads = [c for c in wallet.admin.calls if c.startswith("GET /connections/")]
    assert connection_reads == [f"GET /connections/{CONNECTION['connection_id']}"]
    for exchange_id in (EXCHANGE, "second-request"):
        pending = wallet.services.requests.get(exchange_id)
        assert pending is not None and pending.answerable
        assert pending.verifier.label == "Acme Hiring"
        assert pending.verifier.did == CONNECTION["their_did"]


async def test_a_hostile_request_is_refused_without_searching_the_wallet(wallet: Wallet) -> None:
    many = {f"a{i}": {"name": f"attribute_{i}"} for i in range(1000)}
    request = {**anoncreds_request(), "requested_attributes": many, "requested_predicates": {}}
    wallet.admin.add(exchange_record({"anoncreds": request}), [])
    await wallet.hint()
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending is not None and not pending.answerable
    assert pending.refused is not None and "1000 items" in pending.refused
    assert pending.request_name == "Proof of degree"
    assert not any("/credentials" in call for call in wallet.admin.calls)
    with pytest.raises(AnswerError) as refused:
        await approve(wallet.services, EXCHANGE, None)
    assert refused.value.kind == "invalid" and wallet.admin.sent == []
    await decline(wallet.services, EXCHANGE, "no")
    assert wallet.admin.problem_reports == [(EXCHANGE, "no")]


async def test_approval_is_recorded_before_the_presentation_is_sent(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    history_at_send: list[Any] = []

    def check_history(exchange_id: str) -> None:
        history_at_send.append(asyncio.get_running_loop().create_task(wallet.history.page()))

    wallet.admin.on_send = check_history
    decision = ConsentDecision(
        choices={
            "0_name_uuid": ItemChoice(credential_id="cred-new", revealed=False),
            "1_degree_uuid": ItemChoice(credential_id="cred-new"),
            "2_score_GE_uuid": ItemChoice(credential_id="cred-old"),
        }
    )
    answered = await approve(wallet.services, EXCHANGE, decision)

    assert answered.status is RequestStatus.SENT
    page = await history_at_send[0]
    assert [e.exchange_id for e in page.entries] == [EXCHANGE]
    [(sent_to, body)] = wallet.admin.sent
    assert sent_to == EXCHANGE
    spec = body["anoncreds"]
    assert spec["requested_attributes"]["0_name_uuid"] == {"cred_id": "cred-new", "revealed": False}
    assert spec["requested_predicates"] == {"2_score_GE_uuid": {"cred_id": "cred-old"}}
    entry = page.entries[0]
    assert entry.outcome == "approved" and entry.hidden == ["name"]
    assert entry.revealed == ["degree", "graduation_date"]
    assert entry.predicates == ["score >= 70"]
    assert entry.purpose == "For the job" and entry.verifier.label == "Acme Hiring"
    with pytest.raises(AnswerError) as again:
        await approve(wallet.services, EXCHANGE, None)
    assert again.value.kind == "conflict" and len(wallet.admin.sent) == 1


async def test_an_empty_approval_sends_the_default_decision(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await approve(wallet.services, EXCHANGE, None)
    [(_, body)] = wallet.admin.sent
    assert {v["cred_id"] for v in body["anoncreds"]["requested_attributes"].values()} == {
        "cred-new"
    }


async def test_a_decision_that_does_not_fit_sends_nothing_and_records_nothing(
    wallet: Wallet,
) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    hide_predicate = ConsentDecision(
        choices={
            "0_name_uuid": ItemChoice(credential_id="cred-new"),
            "1_degree_uuid": ItemChoice(credential_id="cred-new"),
            "2_score_GE_uuid": ItemChoice(credential_id="cred-new", revealed=False),
        }
    )
    with pytest.raises(AnswerError) as refused:
        await approve(wallet.services, EXCHANGE, hide_predicate)
    assert refused.value.kind == "invalid" and "only proven" in str(refused.value)
    assert wallet.admin.sent == [] and (await wallet.history.page()).total == 0
    assert wallet.services.requests.get(EXCHANGE).status is RequestStatus.WAITING


async def test_a_request_withdrawn_at_acapy_is_not_answered(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    wallet.admin.records[EXCHANGE]["state"] = "abandoned"
    with pytest.raises(AnswerError) as refused:
        await approve(wallet.services, EXCHANGE, None)
    assert refused.value.kind == "conflict" and wallet.admin.sent == []
    assert "it is abandoned" in str(refused.value)
    # The approval was written ahead of ACA-Py's refusal: it says nothing was sent.
    [entry] = (await wallet.history.page()).entries
    assert entry.outcome == "failed" and entry.detail and entry.detail.startswith("not sent: ")
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending.status is RequestStatus.WAITING and pending.state == "abandoned"


async def test_an_agent_that_does_not_answer_leaves_the_request_open_to_retry(
    wallet: Wallet,
) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await wallet.admin.close()  # ACA-Py gone between the prompt and the approval
    with pytest.raises(AnswerError) as refused:
        await approve(wallet.services, EXCHANGE, None)
    assert refused.value.kind == "unavailable"
    [entry] = (await wallet.history.page()).entries
    assert entry.outcome == "failed" and entry.detail and entry.detail.startswith("not confirmed: ")
    assert wallet.services.requests.get(EXCHANGE).status is RequestStatus.WAITING


async def test_a_request_deleted_at_acapy_is_not_answered_and_leaves_the_list(
    wallet: Wallet,
) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    del wallet.admin.records[EXCHANGE]
    with pytest.raises(AnswerError) as refused:
        await approve(wallet.services, EXCHANGE, None)
    assert refused.value.kind == "not_found" and wallet.admin.sent == []
    [entry] = (await wallet.history.page()).entries
    assert entry.outcome == "failed" and entry.detail == (
        "not sent: The verifier's request no longer exists."
    )
    assert wallet.services.requests.get(EXCHANGE) is None


async def test_when_acapy_refuses_to_send_the_request_is_shown_as_failed(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    wallet.admin.refuse_send = "Credential not found"
    with pytest.raises(AnswerError) as failed:
        await approve(wallet.services, EXCHANGE, None)
    assert failed.value.kind == "failed" and "Credential not found" in str(failed.value)
    assert wallet.services.requests.get(EXCHANGE).status is RequestStatus.FAILED
    assert (await wallet.history.for_exchange(EXCHANGE)).outcome == "failed"


async def test_decline_records_then_reports_and_forgets_the_request(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await decline(wallet.services, EXCHANGE, "  ")
    assert wallet.admin.problem_reports == [(EXCHANGE, "The learner declined this request.")]
    assert wallet.services.requests.get(EXCHANGE) is None
    entry = await wallet.history.for_exchange(EXCHANGE)
    assert entry is not None and entry.outcome == "declined"
    assert entry.asked_for == ["name", "degree", "graduation_date", "score"]
    assert entry.credentials == [] and entry.revealed == []
    await wallet.hint()  # the abandoned record's webhook changes nothing
    assert (await wallet.history.for_exchange(EXCHANGE)).outcome == "declined"


async def test_done_records_the_acknowledgement(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await approve(wallet.services, EXCHANGE, None)
    wallet.admin.records[EXCHANGE]["state"] = "done"
    await wallet.hint()
    assert wallet.services.requests.get(EXCHANGE) is None
    assert (await wallet.history.for_exchange(EXCHANGE)).outcome == "acknowledged"
    wallet.admin.records[EXCHANGE]["verified"] = "true"
    await wallet.hint()
    assert (await wallet.history.for_exchange(EXCHANGE)).outcome == "verified"


async def test_an_exchange_stuck_after_approval_fails_at_the_deadline(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await approve(wallet.services, EXCHANGE, None)
    async with wallet.services.bus.subscribe() as events:
        await wallet.hint()  # presentation-sent: the deadline (0.3 s) starts
        async with asyncio.timeout(10):
            while (event := await events.get()).topic != "request_failed":
                pass
    assert event.payload == {"exchange_id": EXCHANGE, "state": "presentation-sent"}
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending.status is RequestStatus.FAILED
    assert "within 0.3 s" in pending.detail and "presentation-sent" in pending.detail
    entry = await wallet.history.for_exchange(EXCHANGE)
    assert entry.outcome == "failed" and entry.detail == pending.detail


async def test_an_in_flight_exchange_found_after_a_restart_is_watched(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    await approve(wallet.services, EXCHANGE, None)
    wallet.services.requests.remove(EXCHANGE)  # as after a restart: only ACA-Py and history
    await wallet.hint()
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending.status is RequestStatus.SENT and pending.request_name == "Proof of degree"
    assert pending.verifier.label == "Acme Hiring"


async def test_candidates_are_paged_until_no_referent_fills_a_page(wallet: Wallet) -> None:
    attrs = dict(DEGREE_ATTRS)
    many = [anoncreds_candidate(f"cred-{i}", attrs, ALL_REFERENTS) for i in range(PAGE + 5)]
    wallet.admin.add(degree_request(), many)
    await wallet.hint()
    pages = [c for c in wallet.admin.calls if "/credentials?" in c]
    assert len(pages) == 2 and "offset=1000" in pages[1]
    prompt = wallet.services.requests.get(EXCHANGE).prompt
    assert len(prompt.items[0].candidates) == PAGE + 5
    assert prompt.items[0].default_credential_id == f"cred-{PAGE + 4}"


async def test_alternative_restrictions_also_consider_the_wallets_credentials(
    wallet: Wallet,
) -> None:
    """ACA-Py ANDs several restrictions and finds nothing; any one of them is enough."""
    request = anoncreds_request()
    request["requested_attributes"] = {
        "0_name_uuid": {
            "name": "name",
            "restrictions": [{"cred_def_id": "did:web:other?x"}, {"cred_def_id": UNI_CRED_DEF}],
        }
    }
    request["requested_predicates"] = {}
    wallet.admin.add(exchange_record({"anoncreds": request}), [])
    held = anoncreds_candidate("cred-held", DEGREE_ATTRS, [])["cred_info"]
    wallet.admin.wallet_anoncreds = [held]
    await wallet.hint()
    pending = wallet.services.requests.get(EXCHANGE)
    assert pending.answerable
    assert pending.prompt.items[0].default_credential_id == "cred-held"


def test_the_prompt_for_a_full_wallet_offers_every_matching_credential() -> None:
    """100 matching credentials for each of 3 items, all offered (how fast this builds is
    measured by the bench's scale run, not here)."""
    record = degree_request()
    many = [anoncreds_candidate(f"cred-{i}", DEGREE_ATTRS, ALL_REFERENTS) for i in range(100)]
    prompt = build_prompt(record, many, TRUST, "Acme")
    assert prompt.answerable
    assert [len(item.candidates) for item in prompt.items] == [100] * len(prompt.items)
    offered = {view.credential_id for view in prompt.items[0].candidates}
    assert offered == {f"cred-{i}" for i in range(100)}


async def test_memory_is_released_only_while_no_request_is_open(
    wallet: Wallet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The release (a full collection) waits for a pause; a request arriving in that pause
    is not made to wait for it (its own end schedules the next release)."""
    monkeypatch.setattr(flow, "RELEASE_AFTER_SECONDS", 0.05)
    full_collections: list[int] = []
    collected = asyncio.Event()

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections.append(1)
            collected.set()

    gc.disable()  # only the release's own collection is counted
    gc.callbacks.append(seen)
    try:
        flow._release_when_quiet(wallet.services)
        async with asyncio.timeout(10):  # 0.05 s, or later on a busy machine (two workers)
            await collected.wait()
        assert full_collections == [1]
        flow._release_when_quiet(wallet.services)
        wallet.admin.add(degree_request(), anoncreds_candidates())
        await wallet.hint()  # a request arrives during the pause
        await asyncio.sleep(0.3)
        assert full_collections == [1]
        assert wallet.services.requests.get(EXCHANGE) is not None
    finally:
        gc.callbacks.remove(seen)
        gc.enable()


async def test_the_flow_handles_webhook_hints_from_the_bus(wallet: Wallet) -> None:
    from protocols.presentation.flow import presentation_flow

    wallet.admin.add(degree_request(), anoncreds_candidates())
    services = wallet.services
    async with services.bus.subscribe() as events:
        task = asyncio.create_task(presentation_flow(services))
        await asyncio.sleep(0)
        services.bus.publish(
            AgentEvent(topic="present_proof_v2_0", payload={"pres_ex_id": EXCHANGE})
        )
        async with asyncio.timeout(10):
            while (await events.get()).topic != "request_received":
                pass
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert services.requests.get(EXCHANGE) is not None


def test_the_trust_list_names_a_trusted_verifier() -> None:
    trust = TrustList(
        entries=[TrustEntry(did=CONNECTION["their_did"], name="Acme", roles=("verifier",))]
    )
    from protocols.consent.trust import verifier_info

    assert verifier_info("Acme Hiring", CONNECTION["their_did"], trust).trusted
    issuer_only = TrustList(
        entries=[TrustEntry(did=CONNECTION["their_did"], name="Acme", roles=("issuer",))]
    )
    assert not verifier_info("Acme Hiring", CONNECTION["their_did"], issuer_only).trusted


async def test_a_request_the_verifier_withdraws_disappears(wallet: Wallet) -> None:
    wallet.admin.add(degree_request(), anoncreds_candidates())
    await wallet.hint()
    wallet.admin.records[EXCHANGE]["state"] = "abandoned"
    async with wallet.services.bus.subscribe() as events:
        await wallet.hint()
        event = events.get_nowait()
    assert event.topic == "request_withdrawn" and wallet.services.requests.get(EXCHANGE) is None
    assert (await wallet.history.page()).total == 0
