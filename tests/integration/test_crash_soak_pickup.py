"""Issue #15, point 6 in `pickup` delivery: nothing is lost across crashes (slow; `make soak`).

The same soak as `test_crash_soak.py` (its cycles, kills, settling and counting), with the
wallet receiving through a Credo-ts 0.5.19 mediator (`QueueAndLiveModeDelivery`) over its
one WebSocket: the issuer's messages wait at the mediator while the learner is down and are
delivered on reconnect; `messages-received` follows only once ACA-Py has handled each one.

Stock Credo 0.5.19 marks what it delivered as "sending" and never offers it again unless
acknowledged, so a kill between delivery and acknowledgement would lose the message at the
mediator, whatever the client does. The mediator here runs with `requeue_unacked` (what
RFC 0685 intends: unacknowledged messages are delivered again), which makes the learner's
side the thing under test: each redelivered message must be handled once (the duplicate
guard of `handled_inbound`), acknowledged after handling, and interrupted stores finished.
`SOAK_CREDO_STOCK=1` runs it against stock Credo instead, to measure what that loses.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from demo.peers import DidWebHostProcess, IssuerPeer, poll_until
from protocols.connections.mediation_ready import default_mediation_granted
from tests.integration.conftest import start_learner
from tests.integration.credo_mediator import CredoMediator, start_credo_mediator
from tests.integration.proof_peers import api_ok
from tests.integration.test_crash_recovery import learner_admin
from tests.integration.test_crash_soak import (
    SoakFigures,
    assert_nothing_lost,
    auto_accept_env,
    report,
    soak,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.slow, pytest.mark.integration]
GRANT_DEADLINE = 90.0
STOCK_CREDO = os.environ.get("SOAK_CREDO_STOCK") == "1"


@pytest_asyncio.fixture(loop_scope="session")
async def credo(tmp_path: Path) -> AsyncIterator[CredoMediator]:
    mediator = await start_credo_mediator(
        tmp_path / "credo",
        label="Soak Mediator",
        forwarding="queue-and-live",
        requeue_unacked=not STOCK_CREDO,
    )
    yield mediator
    await mediator.stop()


async def test_nothing_is_lost_across_random_kills_in_pickup_delivery(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer, credo: CredoMediator
) -> None:
    env = {**auto_accept_env(issuer), "LEARNER_WALLET_MEDIATOR_INVITATION": credo.invitation_url}
    cli = await asyncio.to_thread(start_learner, tmp_path / "learner", didweb_host, **env)
    figures = SoakFigures(delivery="pickup (stock Credo)" if STOCK_CREDO else "pickup")
    try:
        await mediation_granted(cli)
        await soak(cli, issuer, env, figures)
    finally:
        report(tmp_path, figures)
        await asyncio.to_thread(cli.kill)
        uncaught = credo.events("uncaught")
        if uncaught:
            print(f"mediator: {len(uncaught)} uncaught errors, e.g. {uncaught[0]}")
    assert_nothing_lost(figures)


async def mediation_granted(cli: WalletCli) -> None:
    """Connected to the mediator and mediation granted: before that, the learner's DID
    exchange with the issuer would name no route to it."""

    async def connected() -> dict[str, Any] | None:
        delivery = (await api_ok(cli, "GET", "/api/status"))["delivery"]
        return delivery if delivery["state"] == "connected" else None

    await poll_until("the wallet connected to its mediator", connected, GRANT_DEADLINE)
    async with await asyncio.to_thread(learner_admin, cli) as admin:
        await poll_until(
            "mediation granted over the socket",
            lambda: default_mediation_granted(admin),
            GRANT_DEADLINE,
        )
