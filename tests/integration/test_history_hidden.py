"""History says what stayed hidden, per credential, after a real AnonCreds presentation
(issue #18): one attribute revealed, one only proven; the entry lists the credential's
shared and hidden names, the History screen says them, and no value is in the entry. The
BBS case is checked in test_proofs_dif.py, on the presentation it already makes.
"""

from __future__ import annotations

import json

import pytest

from demo.peers import IssuerPeer, VerifierPeer
from tests.integration.proof_peers import (
    COURSE,
    api_ok,
    connect,
    entry_for,
    hidden_on_page,
    history_page,
    issue_anoncreds,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def test_anoncreds_history_lists_attributes_not_asked_for_and_only_proven(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    credential_id = await issue_anoncreds(issuer, learner, await connect(learner, issuer))
    connection_id = await connect(learner, verifier)
    only_ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id,
        {"course": {"name": "course_title", "restrictions": only_ours}},
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only_ours}},
        name="Course check",
    )
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record

    entry = await entry_for(learner, shown["exchange_id"])
    (used,) = entry["credentials"]
    assert used["id"] == credential_id
    assert used["shared"] == ["course_title"]
    assert set(used["hidden"]) == set(COURSE) - {"course_title"}  # score: only proven
    assert entry["predicates"] == ["score >= 70"]
    stored = json.dumps(entry)
    for value in ("Data Literacy Foundations", "Ada Lovelace", "2025-06-30"):
        assert value not in stored, f"history holds the value {value!r}: {stored}"

    page = history_page(learner)
    assert hidden_on_page(page) == {"Provider", "Score", "Completion date", "Learner’s name"}
    assert "They saw: Course title<" in page, page
