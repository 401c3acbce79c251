"""Pickup delivery through an ACA-Py 1.7 mediator, which has no pickup protocol (implicit mode).

The mediator runs with `--open-mediation --enable-undelivered-queue` and an inbound `ws`
transport besides its http one; the learner gets its invitation with the ws service only.
Everything the learner receives must come over the one socket it opened to the mediator:
the DID exchange response, the mediation grant, the keylist answers, and what an issuer
sends to the learner's invitation (which names the mediator and its routing key). The
learner's own loopback inbound transport is told to nobody and must see no DIDComm at all.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets, AcaPyStartError, log_path
from config.acapy_args import CORE_PLUGINS, AcaPyLaunch
from demo.peers import (
    MEDIATOR_ARGS,
    SAMPLE_MICROCREDENTIAL,
    DidWebHostProcess,
    IssuerPeer,
    PeerAgent,
    decode_invitation,
)
from protocols.connections.mediator import mediator_link_for_agent
from tests.integration.test_pickup_learner import (
    PickupLearner,
    WebhookSink,
    connect_issuer,
    offers_on,
    wait_offer,
)

pytestmark = pytest.mark.integration
PORT_ATTEMPTS = 3


@dataclass
class WsMediator:
    """An ACA-Py mediator listening on http (for senders) and ws (for the learner)."""

    peer: PeerAgent
    http_endpoint: str
    ws_endpoint: str

    async def invitation_url_for_learner(self) -> str:
        """Its invitation pointed at its ws endpoint (ACA-Py puts only the first endpoint in)."""
        url = await self.peer.create_invitation(alias="learner")
        invitation = decode_invitation(url)
        for service in invitation["services"]:
            service["serviceEndpoint"] = self.ws_endpoint
        return mediator_link_for_agent(json.dumps(invitation), "pickup")


async def start_ws_mediator(base_dir: Path) -> WsMediator:
    for attempt in range(1, PORT_ATTEMPTS + 1):
        http_port, ws_port = free_port(), free_port()
        http, ws = f"http://127.0.0.1:{http_port}", f"ws://127.0.0.1:{ws_port}"
        launch = AcaPyLaunch(
            label="Campus WS Mediator",
            acapy_home=base_dir / "ws-mediator",
            wallet_name=f"ws-mediator-{attempt}",
            admin_port=free_port(),
            inbound_port=http_port,
            log_file=log_path(base_dir, "ws-mediator"),
            plugins=CORE_PLUGINS,
            extra_args=(
                "--no-ledger",
                *MEDIATOR_ARGS,
                "--enable-undelivered-queue",
                "--inbound-transport", "ws", "127.0.0.1", str(ws_port),
                "--endpoint", http, ws,
            ),
        )  # fmt: skip
        process = AcaPyProcess(launch, AcaPySecrets(Store.generate_raw_key()), restart_limit=0)
        try:
            await process.start()
        except AcaPyStartError as error:
            if not error.port_in_use or attempt == PORT_ATTEMPTS:
                raise
            continue
        return WsMediator(
            PeerAgent(process, AdminClient(process.admin_url, process.admin_key)), http, ws
        )
    raise AssertionError("unreachable")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ws_mediator(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WsMediator]:
    mediator = await start_ws_mediator(tmp_path_factory.mktemp("ws-mediator"))
    yield mediator
    await mediator.peer.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def webhooks() -> AsyncIterator[WebhookSink]:
    sink = WebhookSink()
    await sink.start()
    yield sink
    await sink.stop()


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


async def test_what_waits_at_the_mediator_arrives_once_the_learner_is_back(
    learner: PickupLearner, ws_mediator: WsMediator, issuer: IssuerPeer
) -> None:
    await learner.wait_pickup(state="connected", mode="implicit")
    _, issuer_connection = await connect_issuer(learner, issuer)

    await learner.stop_for_now()
    threads = []
    for _ in range(2):
        cred_ex_id = await issuer.offer_ld_credential(
            issuer_connection, "ed25519", SAMPLE_MICROCREDENTIAL
        )
        threads.append((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])
    await learner.start_again()

    await learner.wait_pickup(state="connected", mode="implicit")
    for thread_id in threads:
        await wait_offer(learner, thread_id)
        assert len(await offers_on(learner, thread_id)) == 1
    assert learner.didcomm_requests_on_own_port() == []
