"""Pickup delivery through an ACA-Py 1.7 mediator, which has no pickup protocol (implicit mode).

The mediator runs with `--open-mediation --enable-undelivered-queue` and an inbound `ws`
transport besides its http one; the learner gets its invitation with the ws service only.
Everything the learner receives must come over the one socket it opened to the mediator:
the DID exchange response, the mediation grant, the keylist answers, and what an issuer
sends to the learner's invitation (which names the mediator and its routing key). The
learner's own loopback inbound transport is told to nobody and must see no DIDComm at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from demo.peer_ws_mediator import WsMediator
from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer
from tests.integration.pickup_learner import (
    PickupLearner,
    WebhookSink,
    connect_issuer,
    wait_offer,
)

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(loop_scope="session")
async def learner(
    tmp_path: Path, ws_mediator: WsMediator, didweb_host: DidWebHostProcess, webhooks: WebhookSink
) -> AsyncIterator[PickupLearner]:
    url = await ws_mediator.invitation_url_for_learner()
    peer = await PickupLearner.launch(tmp_path, url, webhooks, env=didweb_host.agent_env)
    try:
        yield peer
    finally:
        await peer.stop()


async def accept_ld_offer(learner: PickupLearner, cred_ex_id: str) -> dict[str, Any]:
    """Bind a fresh did:key and ask for the credential; the record once done (or not)."""
    did = await learner.call(
        "POST", "/wallet/did/create", {"method": "key", "options": {"key_type": "ed25519"}}
    )
    path = f"/issue-credential-2.0/records/{cred_ex_id}/send-request"
    await learner.call("POST", path, {"holder_did": did["result"]["did"]})
    return await learner.wait_state("credential", cred_ex_id, {"done", "abandoned"})


async def test_everything_reaches_the_learner_over_its_own_socket(
    learner: PickupLearner, ws_mediator: WsMediator, issuer: IssuerPeer, webhooks: WebhookSink
) -> None:
    grant = await learner.wait_granted()
    assert grant["endpoint"] == ws_mediator.http_endpoint, grant
    state = await learner.wait_pickup(state="connected", mode="implicit")
    assert state["mediator_label"] == "Campus WS Mediator"
    assert state["mediator_endpoint"] == ws_mediator.ws_endpoint

    invitation = await learner.own_invitation()
    [service] = invitation["services"]
    assert service["serviceEndpoint"] == ws_mediator.http_endpoint, service
    assert service["routingKeys"], service

    _, issuer_connection = await connect_issuer(learner, issuer)
    cred_ex_id = await issuer.offer_ld_credential(
        issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
    )
    thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]
    offer = await wait_offer(learner, thread_id)
    record = await accept_ld_offer(learner, offer["cred_ex_id"])
    assert record["cred_ex_record"]["state"] == "done", record

    assert learner.didcomm_requests_on_own_port() == []
    launch = learner.process.launch
    assert learner.listening_ports() == {
        ("127.0.0.1", launch.admin_port),
        ("127.0.0.1", launch.inbound_port),
    }
    final = await learner.pickup_state()
    assert final["messages_received"] >= 3, final  # DID exchange, offer, credential at least
    hooks = webhooks.topic("pickup")
    assert any(h["state"] == "connected" and h["mode"] == "implicit" for h in hooks), hooks
