"""History and pending requests survive a restart of the real wallet.

History lives in the controller's encrypted store; pending requests are rebuilt from
ACA-Py's records by start-up reconciliation.
"""

from __future__ import annotations

import asyncio

import pytest

from demo.peers import VerifierPeer, poll_until
from tests.integration.proof_peers import DEADLINE, api_ok, connect, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def test_history_and_a_pending_request_survive_a_restart(
    verifier: VerifierPeer, learner: WalletCli
) -> None:
    connection_id = await connect(learner, verifier)
    declined = await verifier.request_proof_anoncreds(
        connection_id, {"email": {"name": "email"}}, name="Newsletter"
    )
    shown = await request_at_learner(learner, verifier, declined)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline")
    await verifier.wait_state("presentation", declined, {"abandoned"})
    pending = await verifier.request_proof_anoncreds(
        connection_id, {"phone": {"name": "phone"}}, name="Call-back"
    )
    waiting = await request_at_learner(learner, verifier, pending)
    before = await api_ok(learner, "GET", "/api/history")

    await asyncio.to_thread(learner.kill)
    learner.output.clear()  # so `start` waits for the new process's address line
    await asyncio.to_thread(learner.start)

    async def ready() -> bool:
        return bool((await api_ok(learner, "GET", "/api/status"))["ready"])

    await poll_until("the restarted wallet to be ready", ready, DEADLINE)
    after = await api_ok(learner, "GET", "/api/history")
    assert after == before and after["total"] == 1
    assert after["entries"][0]["exchange_id"] == shown["exchange_id"]
    assert after["entries"][0]["outcome"] == "declined"
    rebuilt = await request_at_learner(learner, verifier, pending)
    assert rebuilt["exchange_id"] == waiting["exchange_id"]
    assert rebuilt["status"] == "waiting" and rebuilt["request_name"] == "Call-back"
    assert rebuilt["prompt"]["items"][0]["names"] == ["phone"]
