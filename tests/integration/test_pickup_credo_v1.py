"""Pickup delivery through a Credo-ts 0.5.19 mediator that speaks Message Pickup 1.0 only.

The mediator answers the client's pickup 2.0 messages with problem reports; the client then
tries RFC 0212 batch pickup on the same socket and, answered with a `batch`, keeps to it
(`pickup1`): `batch-pickup` on connect, after each full batch and on a timer. Offers sent
while the learner is away wait at the mediator and arrive once each when it is back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer
from protocols.connections.mediator import mediator_link_for_agent
from tests.integration.credo_mediator import start_credo_mediator
from tests.integration.pickup_learner import (
    PickupLearner,
    WebhookSink,
    connect_issuer,
    offers_on,
    wait_offer,
)

pytestmark = pytest.mark.integration
PICKUP_1 = "https://didcomm.org/messagepickup/1.0/"
PICKUP_2 = "https://didcomm.org/messagepickup/2.0/"
OFFERS_WHILE_AWAY = 3


async def test_a_pickup_1_mediator_delivers_in_batches(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer, webhooks: WebhookSink
) -> None:
    credo = await start_credo_mediator(tmp_path / "credo", pickup="v1")
    url = mediator_link_for_agent(credo.invitation_url, "pickup")
    learner = await PickupLearner.launch(
        tmp_path / "learner",
        url,
        webhooks,
        env=didweb_host.agent_env,
        plugin_config={"implicit_poll_seconds": 1, "delivery_limit": 2},
    )
    try:
        await learner.wait_granted()
        await learner.wait_pickup(state="connected", mode="pickup1")
        _, issuer_connection = await connect_issuer(learner, issuer)
        await learner.stop_for_now()
        threads = []
        for _ in range(OFFERS_WHILE_AWAY):
            cred_ex_id = await issuer.offer_ld_credential(
                issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
            )
            threads.append((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])
        await learner.start_again()
        await learner.wait_pickup(state="connected", mode="pickup1")
        for thread_id in threads:
            await wait_offer(learner, thread_id)
        for thread_id in threads:
            assert len(await offers_on(learner, thread_id)) == 1, thread_id

        received = {e["type"] for e in credo.events("inbound")}
        assert PICKUP_1 + "batch-pickup" in received, received
        sent = {e["type"] for e in credo.events("outbound")}
        assert PICKUP_1 + "batch" in sent, sent
        assert not any(t.startswith(PICKUP_2) for t in sent), sent
        assert learner.didcomm_requests_on_own_port() == []
    finally:
        await learner.stop()
        await credo.stop()
