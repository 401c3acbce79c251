"""The whole wallet in `pickup` delivery (issue #15): `learner-wallet start` with a Credo
mediator's invitation (http and ws services) receives through its one WebSocket, shows the
state on /api/status, and an issuer that connects with the learner's invitation gets an
offer accepted and stored."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from demo.peers import DidWebHostProcess, IssuerPeer, poll_until
from tests.integration.conftest import start_learner
from tests.integration.credo_mediator import CredoMediator, start_credo_mediator
from tests.integration.proof_peers import COURSE, accept_next_offer, api_ok, learner_admin
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(loop_scope="session")
async def credo(tmp_path: Path) -> AsyncIterator[CredoMediator]:
    mediator = await start_credo_mediator(tmp_path / "credo", label="Campus Mediator")
    yield mediator
    await mediator.stop()


@pytest.fixture
def learner_in_pickup(
    tmp_path: Path, didweb_host: DidWebHostProcess, credo: CredoMediator
) -> Iterator[WalletCli]:
    cli = start_learner(
        tmp_path / "learner", didweb_host, LEARNER_WALLET_MEDIATOR_INVITATION=credo.invitation_url
    )
    try:
        yield cli
    finally:
        cli.kill()


async def test_the_wallet_receives_through_its_mediator_socket(
    learner_in_pickup: WalletCli, credo: CredoMediator, issuer: IssuerPeer
) -> None:
    learner = learner_in_pickup

    async def connected() -> dict[str, Any] | None:
        delivery = (await api_ok(learner, "GET", "/api/status"))["delivery"]
        return delivery if delivery["state"] == "connected" else None

    delivery = await poll_until("the wallet to say it is connected to its mediator", connected)
    assert (delivery["mode"], delivery["mediator"]) == ("pickup", "Campus Mediator")

    async with learner_admin(learner) as admin:

        async def granted() -> dict[str, Any] | None:
            record = await admin.request("GET", "/mediation/default-mediator")
            return record if record and record.get("state") == "granted" else None

        await poll_until("mediation to be granted over the socket", granted)
    own = await api_ok(learner, "POST", "/api/invitation")
    [service] = own["invitation"]["services"]
    assert service["serviceEndpoint"] in credo.info["endpoints"], service
    assert service["routingKeys"], service  # peers send to the mediator, never to us

    oob = await issuer.receive_invitation(own["invitation"])
    issuer_side = await issuer.wait_own_connection_active(oob["connection_id"])
    await issuer.offer_anoncreds(issuer_side["connection_id"], COURSE)
    stored = await accept_next_offer(learner)
    assert stored["credential_id"]

    log = (learner.data_dir / "logs").glob("holder*.log")
    assert not any("POST / " in path.read_text() for path in log), "a peer reached our port"
