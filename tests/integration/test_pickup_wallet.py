"""The whole wallet in `pickup` delivery through a Credo-ts 0.5.19 mediator (issue #15 points 4
and 5): `learner-wallet start` with the mediator's invitation (http and ws services) receives
everything over its one WebSocket. Issuer and verifier connect by the learner's own
invitations; an offer is stored and a proof request approved through the wallet's API and
verified. Then the wallet is stopped, two offers and a request wait at the mediator, and once
the wallet is back each shows once, both credentials are stored and the request is verified.
Nothing reaches the learner's own port, and its ACA-Py listens on nothing a peer is told of.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from demo.peers import DidWebHostProcess, IssuerPeer, VerifierPeer
from tests.integration.credo_mediator import CredoMediator, start_credo_mediator
from tests.integration.pickup_wallet_flow import (
    MediatorSide,
    offline_then_back,
    receive_and_prove,
    start_mediated_learner,
)
from tests.integration.proof_peers import COURSE

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def credo(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CredoMediator]:
    mediator = await start_credo_mediator(tmp_path_factory.mktemp("credo"), label="Campus Mediator")
    yield mediator
    await mediator.stop()


async def test_the_wallet_receives_through_credo_online_and_after_being_offline(
    tmp_path: Path,
    didweb_host: DidWebHostProcess,
    credo: CredoMediator,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
) -> None:
    side = MediatorSide(credo.invitation_url, credo.label, frozenset(credo.info["endpoints"]))
    learner = start_mediated_learner(tmp_path / "learner", didweb_host, side)
    try:
        connections = await receive_and_prove(learner, side, issuer, verifier, COURSE)
        await offline_then_back(learner, side, issuer, verifier, connections, COURSE)
    finally:
        learner.kill()
