"""An approved exchange the verifier never finishes is shown as failed, with where it stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.peer_didweb import DidWebHostProcess
from demo.peers import IssuerPeer, VerifierPeer, poll_until
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import DEADLINE, api_ok, connect, issue_anoncreds
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
TIMEOUT = "3"


async def test_an_unfinished_exchange_fails_after_the_deadline(
    issuer: IssuerPeer, didweb_host: DidWebHostProcess, tmp_path: Path
) -> None:
    # The shared verifier verifies at once; this one (same peer class) never verifies.
    verifier = await VerifierPeer.start(
        "Slow Employer", tmp_path, ("--auto-accept-requests",), env=didweb_host.agent_env
    )
    learner: WalletCli = start_learner(
        tmp_path / "learner", didweb_host, LEARNER_WALLET_EXCHANGE_TIMEOUT=TIMEOUT
    )
    try:
        await issue_anoncreds(issuer, learner, await connect(learner, issuer))
        connection_id = await connect(learner, verifier)
        request = {
            "name": "Slow check",
            "version": "1.0",
            "requested_attributes": {"course": {"name": "course_title"}},
            "requested_predicates": {},
        }
        body = {
            "connection_id": connection_id,
            "presentation_request": {"anoncreds": request},
            "auto_verify": False,
            "auto_remove": False,
        }
        pres_ex_id = (await verifier.call("POST", "/present-proof-2.0/send-request", body))[
            "pres_ex_id"
        ]
        thread_id = (await verifier.pres_record(pres_ex_id))["thread_id"]

        async def arrived() -> dict | None:
            listed = (await api_ok(learner, "GET", "/api/requests"))["requests"]
            return next((r for r in listed if r["thread_id"] == thread_id), None)

        shown = await poll_until("the request at the learner", arrived, DEADLINE)
        await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
        await verifier.wait_state("presentation", pres_ex_id, {"presentation-received"})

        async def failed() -> dict | None:
            current = await api_ok(learner, "GET", f"/api/requests/{shown['exchange_id']}")
            return current if current["status"] == "failed" else None

        shown_failed = await poll_until("the request to be shown as failed", failed, DEADLINE)
        assert "within 3 s" in shown_failed["detail"]
        assert "presentation-sent" in shown_failed["detail"]
        entry = (await api_ok(learner, "GET", "/api/history"))["entries"][0]
        assert entry["outcome"] == "failed" and "presentation-sent" in entry["detail"]
        assert entry["revealed"] == ["course_title"]
    finally:
        learner.kill()
        await verifier.stop()
