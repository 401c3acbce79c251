"""The whole wallet in `pickup` delivery through an ACA-Py 1.7 mediator (issue #15 points 4
and 5), which has no pickup protocol: the wallet receives in implicit mode over the one ws
socket it opens (`~transport.return_route: all`), and what came while it was stopped waits in
the mediator's undelivered queue. Same story as test_pickup_wallet.py: connect by the
learner's own invitations, an offer stored, a request approved and verified; stopped, two
offers and a request wait; back, each shows once, is stored once and is verified.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from demo.peer_ws_mediator import WsMediator, start_ws_mediator
from demo.peers import DidWebHostProcess, IssuerPeer, VerifierPeer
from tests.integration.pickup_wallet_flow import (
    MediatorSide,
    offline_then_back,
    receive_and_prove,
    start_mediated_learner,
)
from tests.integration.proof_peers import COURSE

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ws_mediator(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WsMediator]:
    mediator = await start_ws_mediator(tmp_path_factory.mktemp("ws-mediator"))
    yield mediator
    await mediator.stop()


async def test_the_wallet_receives_through_acapy_online_and_after_being_offline(
    tmp_path: Path,
    didweb_host: DidWebHostProcess,
    ws_mediator: WsMediator,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
) -> None:
    url = await ws_mediator.invitation_url_for_learner()
    side = MediatorSide(url, ws_mediator.peer.label, frozenset({ws_mediator.http_endpoint}))
    learner = start_mediated_learner(tmp_path / "learner", didweb_host, side)
    try:
        connections = await receive_and_prove(learner, side, issuer, verifier, COURSE)
        await offline_then_back(learner, side, issuer, verifier, connections, COURSE)
    finally:
        learner.kill()
