"""The whole wallet in `pickup` delivery through an ACA-Py 1.7 mediator (issue #15 points 4
and 5), which has no pickup protocol: the wallet receives in implicit mode over the one ws
socket it opens (`~transport.return_route: all`), and what came while it was stopped waits in
the mediator's undelivered queue. Same story as test_pickup_wallet.py: connect by the
learner's own invitations, an offer stored, a request approved and verified; stopped, two
offers and a request wait; back, each shows once, is stored once and is verified.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.peer_ws_mediator import WsMediator
from demo.peers import DidWebHostProcess, IssuerPeer, VerifierPeer
from tests.integration.pickup_wallet_flow import (
    acapy_mediator_side,
    offline_then_back,
    receive_and_prove,
    start_mediated_learner,
)
from tests.integration.proof_peers import COURSE

pytestmark = pytest.mark.integration


async def test_the_wallet_receives_through_acapy_online_and_after_being_offline(
    tmp_path: Path,
    didweb_host: DidWebHostProcess,
    ws_mediator: WsMediator,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
) -> None:
    side = await acapy_mediator_side(ws_mediator)
    learner = start_mediated_learner(tmp_path / "learner", didweb_host, side)
    try:
        connections = await receive_and_prove(learner, side, issuer, verifier, COURSE)
        await offline_then_back(learner, side, issuer, verifier, connections, COURSE)
    finally:
        learner.kill()
