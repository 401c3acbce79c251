"""The learner's trust list in the real wallet: a broken file stops `start` clearly, and a good
one marks the verifier and the issuer as trusted in the prompt (never `verified` alone).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from demo.peers import IssuerPeer, VerifierPeer, poll_until
from tests.integration.proof_peers import (
    DEADLINE,
    api_ok,
    connect,
    issue_anoncreds,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
BAD_SETTINGS = 6


def test_a_broken_trust_list_stops_start_with_a_clear_message(
    wallet_cli: WalletCli, tmp_path: Path
) -> None:
    broken = tmp_path / "trust.json"
    broken.write_text('[{"did": "did:web:uni.example"}]')
    result = wallet_cli.run("start", LEARNER_WALLET_TRUST_LIST=str(broken))
    assert result.returncode == BAD_SETTINGS, result.stderr
    assert f"trust list {broken}: entry 1: name: Field required" in result.stderr
    assert "Traceback" not in result.stderr


async def test_trusted_verifier_and_issuer_are_named_in_the_prompt(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli, tmp_path: Path
) -> None:
    await issue_anoncreds(issuer, learner, await connect(learner, issuer))
    connection_id = await connect(learner, verifier)
    only_ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id, {"course": {"name": "course_title", "restrictions": only_ours}}
    )
    before = await request_at_learner(learner, verifier, pres_ex_id)
    assert not before["verifier"]["trusted"]
    assert before["prompt"]["items"][0]["candidates"][0]["issuer"] is None

    trust = tmp_path / "trust.json"
    entries = [
        {"did": before["verifier"]["did"], "name": "Employer Ltd", "roles": ["verifier"],
         "country": "NL", "register": "KvK"},
        {"did": issuer.didweb_did, "name": "Open Learning Institute", "roles": ["issuer"]},
    ]  # fmt: skip
    trust.write_text(json.dumps(entries))
    await asyncio.to_thread(learner.kill)
    learner.output.clear()  # so `start` waits for the new process's address line
    await asyncio.to_thread(learner.start, LEARNER_WALLET_TRUST_LIST=str(trust))

    async def ready() -> bool:
        return bool((await api_ok(learner, "GET", "/api/status"))["ready"])

    await poll_until("the restarted wallet to be ready", ready, DEADLINE)
    after = await request_at_learner(learner, verifier, pres_ex_id)
    assert after["verifier"]["trusted"]
    assert after["verifier"]["entry"]["name"] == "Employer Ltd"
    assert after["verifier"]["entry"]["register"] == "KvK"
    issuer_entry = after["prompt"]["items"][0]["candidates"][0]["issuer"]
    assert issuer_entry["name"] == "Open Learning Institute"
