"""Pickup delivery through a Credo-ts 0.5.19 mediator: Message Pickup 2.0 in live mode.

The mediator (tests/integration/credo_mediator.py) lists an http and a ws service; the
learner takes the ws one. Mediation, keylist updates and every message to the learner go
over that one socket: Credo answers on the session (`SentToSession`) and delivers what it
queued for the learner as pickup 2.0 `delivery` messages, which the learner acknowledges
once ACA-Py has handled them. Stopped, the learner misses nothing: Credo queues, and on
reconnect the learner drains the queue, each message once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer, poll_until
from protocols.connections.mediator import mediator_link_for_agent
from tests.integration.credo_mediator import CredoMediator, start_credo_mediator
from tests.integration.pickup_learner import (
    PickupLearner,
    WebhookSink,
    connect_issuer,
    offers_on,
    wait_offer,
)
from tests.integration.test_pickup_acapy_mediator import accept_ld_offer

pytestmark = pytest.mark.integration
PICKUP = "https://didcomm.org/messagepickup/2.0/"
OFFERS_WHILE_AWAY = 8
QUEUE_EVENTS = ("queued", "taken", "removed", "requeued")
ACK_GRACE = 3.0  # an acknowledgement already sent reaches Credo well within this
MEDIATION = "https://didcomm.org/coordinate-mediation/1.0/"


@pytest_asyncio.fixture(loop_scope="session")
async def credo(tmp_path: Path) -> AsyncIterator[CredoMediator]:
    """A fresh mediator per test, so its log holds this test's learner only."""
    mediator = await start_credo_mediator(tmp_path / "credo")
    yield mediator
    await mediator.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def learner(
    tmp_path: Path, credo: CredoMediator, didweb_host: DidWebHostProcess, webhooks: WebhookSink
) -> AsyncIterator[PickupLearner]:
    url = mediator_link_for_agent(credo.invitation_url, "pickup")
    peer = await PickupLearner.launch(
        tmp_path / "learner", url, webhooks, env=didweb_host.agent_env
    )
    try:
        yield peer
    finally:
        await peer.stop()


def learner_connection(credo: CredoMediator) -> str:
    """Credo's id of its connection with the learner (the one that asked for mediation)."""
    [connection_id] = {
        e["connection_id"] for e in credo.events("mediation") if e["state"] == "granted"
    }
    return str(connection_id)


def pending(credo: CredoMediator, connection_id: str) -> int | None:
    """Messages waiting at Credo for the learner, after its last queue event."""
    counts = [
        e["pending"]
        for e in credo.events()
        if e["event"] in QUEUE_EVENTS and e.get("connection_id") == connection_id
    ]
    return counts[-1] if counts else None


async def test_live_delivery_over_the_one_socket(
    learner: PickupLearner, credo: CredoMediator, issuer: IssuerPeer, webhooks: WebhookSink
) -> None:
    grant = await learner.wait_granted()
    assert grant["endpoint"] == credo.http_endpoint, grant
    state = await learner.wait_pickup(state="connected", mode="pickup2", live=True)
    assert state["mediator_label"] == credo.label
    assert state["mediator_endpoint"] == credo.ws_endpoint

    _, issuer_connection = await connect_issuer(learner, issuer)
    cred_ex_id = await issuer.offer_ld_credential(
        issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
    )
    thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]
    offer = await wait_offer(learner, thread_id)
    record = await accept_ld_offer(learner, offer["cred_ex_id"])
    assert record["cred_ex_record"]["state"] == "done", record

    connection_id = learner_connection(credo)
    to_learner = [e for e in credo.events("outbound") if e["connection_id"] == connection_id]
    assert to_learner, credo.log_tail()
    assert {e["status"] for e in to_learner} == {"SentToSession"}, to_learner
    sent_types = {e["type"] for e in to_learner}
    assert {PICKUP + "delivery", PICKUP + "status", MEDIATION + "mediate-grant"} <= sent_types
    assert MEDIATION + "keylist-update-response" in sent_types
    received = {e["type"] for e in credo.events("inbound") if e["connection_id"] == connection_id}
    assert PICKUP + "messages-received" in received
    live = [e["state"] for e in credo.events("live_session") if e["connection_id"] == connection_id]
    assert live == ["saved"], live  # one socket: Credo never replaced the live session
    assert credo.events("ws_session_closed") == []

    await poll_until("Credo's queue for the learner to be empty", _empty(credo, connection_id))
    assert learner.didcomm_requests_on_own_port() == []
    hooks = webhooks.topic("pickup")
    assert any(h["state"] == "connected" and h["mode"] == "pickup2" for h in hooks), hooks


def _empty(credo: CredoMediator, connection_id: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return pending(credo, connection_id) == 0

    return check


async def test_the_queue_is_drained_once_the_learner_is_back(
    learner: PickupLearner, credo: CredoMediator, issuer: IssuerPeer
) -> None:
    await learner.wait_pickup(state="connected", mode="pickup2")
    _, issuer_connection = await connect_issuer(learner, issuer)
    connection_id = learner_connection(credo)

    await learner.stop_for_now()
    threads = []
    for _ in range(3):
        cred_ex_id = await issuer.offer_ld_credential(
            issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
        )
        threads.append((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])

    async def all_queued() -> bool:
        return (pending(credo, connection_id) or 0) >= 3

    await poll_until("three offers queued at Credo", all_queued)
    await learner.start_again()

    await learner.wait_pickup(state="connected", mode="pickup2")
    for thread_id in threads:
        await wait_offer(learner, thread_id)
    await poll_until("Credo's queue for the learner to be empty", _empty(credo, connection_id))
    for thread_id in threads:
        assert len(await offers_on(learner, thread_id)) == 1, thread_id
    assert learner.didcomm_requests_on_own_port() == []


async def test_the_socket_comes_back_with_live_mode_when_the_mediator_restarts(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer, webhooks: WebhookSink
) -> None:
    """Offline while the mediator is away, connected again after, live mode asked anew."""
    credo = await start_credo_mediator(tmp_path / "credo")
    url = mediator_link_for_agent(credo.invitation_url, "pickup")
    learner = await PickupLearner.launch(
        tmp_path / "learner",
        url,
        webhooks,
        env=didweb_host.agent_env,
        plugin_config={"backoff_cap_seconds": 2, "keepalive_seconds": 2},
    )
    try:
        await learner.wait_pickup(state="connected", mode="pickup2", live=True)
        _, issuer_connection = await connect_issuer(learner, issuer)
        port = credo.port
        await credo.stop()
        await learner.wait_pickup(state="offline")

        credo = await start_credo_mediator(tmp_path / "credo", port=port)
        restarted = credo

        async def live_again() -> bool:
            return any(e["state"] == "saved" for e in restarted.events("live_session"))

        await poll_until("the learner to ask the restarted mediator for live mode", live_again)
        await learner.wait_pickup(state="connected", mode="pickup2", live=True)

        cred_ex_id = await issuer.offer_ld_credential(
            issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
        )
        thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]
        await wait_offer(learner, thread_id)
        states = [h["state"] for h in webhooks.topic("pickup")]
        assert "offline" in states and states[-1] == "connected", states
    finally:
        await learner.stop()
        await credo.stop()


async def test_a_learner_killed_while_draining_loses_nothing(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer, webhooks: WebhookSink
) -> None:
    """kill -9 in the middle of a drain: what was taken but not acknowledged comes again.

    Stock Credo 0.5.19 never offers a taken message again; `requeue_unacked` makes it put
    the unacknowledged ones back when the socket closes, as RFC 0685 intends. One message
    per delivery keeps a message in flight (taken, not yet acknowledged) almost all the time.
    """
    credo = await start_credo_mediator(tmp_path / "credo", requeue_unacked=True)
    url = mediator_link_for_agent(credo.invitation_url, "pickup")
    learner = await PickupLearner.launch(
        tmp_path / "learner",
        url,
        webhooks,
        env=didweb_host.agent_env,
        plugin_config={"delivery_limit": 1},
    )
    try:
        await learner.wait_pickup(state="connected", mode="pickup2")
        _, issuer_connection = await connect_issuer(learner, issuer)
        connection_id = learner_connection(credo)
        await learner.stop_for_now()
        threads = []
        for _ in range(OFFERS_WHILE_AWAY):
            cred_ex_id = await issuer.offer_ld_credential(
                issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
            )
            threads.append((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])

        async def all_queued() -> bool:
            return (pending(credo, connection_id) or 0) >= OFFERS_WHILE_AWAY

        await poll_until("the offers to be queued at Credo", all_queued)
        removed_before = len(credo.events("removed"))
        await learner.start_again()
        await kill_while_a_message_is_in_flight(learner, credo, connection_id, removed_before)
        await learner.stop_for_now()

        async def requeued() -> bool:
            return bool(credo.events("requeued"))

        await poll_until("Credo to put the unacknowledged message back", requeued, timeout=30)
        await learner.start_again()
        for thread_id in threads:
            await wait_offer(learner, thread_id)
        await poll_until("Credo's queue for the learner to be empty", _empty(credo, connection_id))
        for thread_id in threads:
            assert len(await offers_on(learner, thread_id)) == 1, thread_id
    finally:
        await learner.stop()
        await credo.stop()


async def kill_while_a_message_is_in_flight(
    learner: PickupLearner, credo: CredoMediator, connection_id: str, removed_before: int
) -> None:
    """SIGKILL the learner's ACA-Py while it holds a message it has not acknowledged.

    Once the learner has acknowledged one message since its restart, it is frozen (SIGSTOP)
    the moment Credo's log shows the next one taken. An acknowledgement already on its way
    still reaches Credo within `ACK_GRACE` seconds: then the learner runs on and the next
    message is tried. Otherwise the message is certainly unacknowledged: SIGKILL.
    """
    pid = learner.pid
    assert pid is not None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        removed = len(credo.events("removed"))
        if removed > removed_before and last_queue_event(credo, connection_id) == "taken":
            os.kill(pid, signal.SIGSTOP)
            if not await acknowledged_within(credo, removed, ACK_GRACE):
                os.kill(pid, signal.SIGKILL)
                return
            os.kill(pid, signal.SIGCONT)
        await asyncio.sleep(0.005)
    raise AssertionError(f"the learner never held an unacknowledged message: {credo.log_tail()}")


def last_queue_event(credo: CredoMediator, connection_id: str) -> str | None:
    events = [
        e["event"]
        for e in credo.events()
        if e.get("connection_id") == connection_id and e["event"] in QUEUE_EVENTS
    ]
    return events[-1] if events else None


async def acknowledged_within(credo: CredoMediator, removed: int, grace: float) -> bool:
    """True once Credo logs one more removal; False when `grace` seconds pass without one."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if len(credo.events("removed")) > removed:
            return True
        await asyncio.sleep(0.02)
    return False
