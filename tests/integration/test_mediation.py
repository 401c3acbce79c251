"""Mediation (RFC 0211) against a real mediator: the learner receives through it.

The learner's wallet starts with the mediator's invitation (`mediator_invitation` setting).
Proof of routing: the learner's own invitation names the mediator's endpoint and routing
key, the mediator's keylist holds the learner's key, and an issuer that only knows that
invitation reaches the learner (connection active, then a credential offer arrives).
ACA-Py as a mediation client has no message pickup: the mediator forwards to the learner's
own inbound endpoint, which works here because both run on loopback (DESIGN §6).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import base58
import pytest

from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer, PeerAgent, poll_until
from protocols.connections.mediation_ready import default_mediation_granted
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import learner_admin, same_did
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


@pytest.fixture
async def mediated_learner(
    tmp_path: Path, didweb_host: DidWebHostProcess, mediator: PeerAgent
) -> Iterator[WalletCli]:
    url = await mediator.create_invitation(alias="learner")
    cli = await asyncio.to_thread(
        start_learner,
        tmp_path / "learner",
        didweb_host,
        LEARNER_WALLET_MEDIATOR_INVITATION=url,
        LEARNER_WALLET_DELIVERY="direct",  # the mediator forwards to the learner's endpoint
    )
    try:
        yield cli
    finally:
        await asyncio.to_thread(cli.kill)


def verkey_of(did_key: str) -> str:
    """The base58 Ed25519 key inside a did:key (the form the mediator's keylist uses)."""
    multibase = did_key.removeprefix("did:key:").split("#")[0]
    return base58.b58encode(base58.b58decode(multibase[1:])[2:]).decode()


async def call(learner: WalletCli, method: str, path: str, body: Any = None) -> Any:
    return await asyncio.to_thread(learner.api_ok, method, path, body)


async def test_learner_receives_through_the_mediator(
    mediated_learner: WalletCli, mediator: PeerAgent, issuer: IssuerPeer
) -> None:
    # An invitation is reused until it is answered: make it once mediation is granted.
    async with learner_admin(mediated_learner) as admin:
        await poll_until(
            "the learner's default mediator to be granted",
            lambda: default_mediation_granted(admin),
        )
    own = await call(mediated_learner, "POST", "/api/invitation")
    service = own["invitation"]["services"][0]
    assert service["serviceEndpoint"] == mediator.endpoint, service
    assert service["routingKeys"], service
    learner_key = verkey_of(service["recipientKeys"][0])

    keylists = await mediator.call("GET", "/mediation/keylists", role="server")
    routed = {entry["recipient_key"] for entry in keylists["results"]}
    assert learner_key in routed

    oob = await issuer.receive_invitation(own["invitation"])

    async def active() -> dict[str, Any] | None:
        body = await call(mediated_learner, "GET", "/api/connections")
        mine = [c for c in body["connections"] if c["label"] == issuer.label]
        return mine[0] if mine and mine[0]["state"] == "active" else None

    connection = await poll_until("the learner's connection via the mediator", active)

    issuer_connection = await issuer.wait_own_connection_active(oob["connection_id"])
    assert same_did(issuer_connection["my_did"], connection["their_did"])
    await issuer.offer_ld_credential(
        issuer_connection["connection_id"], "ed25519", SAMPLE_MICROCREDENTIAL
    )

    async def offer_arrived() -> list[Any] | None:
        body = await call(mediated_learner, "GET", "/api/offers")
        offers = body if isinstance(body, list) else body.get("offers", [])
        return offers or None

    await poll_until("the credential offer to arrive through the mediator", offer_arrived)
