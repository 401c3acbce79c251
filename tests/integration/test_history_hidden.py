"""History says what stayed hidden, per credential, after real presentations (issue #18).

A BBS derived proof (two of six subject fields asked for) and an AnonCreds proof (one
attribute revealed, one only proven) through the real wallet, issuer and verifier: the
history entry lists each credential's shared and hidden field names, the History screen
says them in plain words, and no value of the credential is in the entry.
"""

from __future__ import annotations

import html
import json
import re
import urllib.request
from typing import Any

import pytest

from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, VerifierPeer
from tests.integration.proof_peers import (
    COURSE,
    api_ok,
    connect,
    issue_anoncreds,
    issue_ld,
    request_at_learner,
)
from tests.integration.test_proofs_dif import definition, presented_subject
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
TIMEOUT = 30


def history_page(learner: WalletCli) -> str:
    """The History screen as the browser gets it (the token stands in for the session)."""
    url = learner.run_facts()["ui_url"].rstrip("/") + "/history"
    headers = {"Authorization": f"Bearer {learner.token}", "Accept-Language": "en"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return html.unescape(response.read().decode("utf-8"))


def hidden_on_page(page: str) -> set[str]:
    """The names after "Hidden:" on the History screen (one credential used)."""
    (said,) = re.findall(r"<span data-used-hidden>Hidden: ([^<]*)</span>", page)
    return set(said.split(", "))


async def entry_for(learner: WalletCli, exchange_id: str) -> dict[str, Any]:
    entries = (await api_ok(learner, "GET", "/api/history"))["entries"]
    return next(e for e in entries if e["exchange_id"] == exchange_id)


async def test_bbs_history_lists_the_fields_that_stayed_hidden(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    record_id = await issue_ld(
        issuer, learner, await connect(learner, issuer), "bbs", SAMPLE_MICROCREDENTIAL
    )
    connection_id = await connect(learner, verifier)
    pd = definition("BbsBlsSignature2020", ["courseTitle", "score"], limit=True)
    pres_ex_id = await verifier.request_proof_dif(connection_id, pd)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    disclosed = set(presented_subject(record)) - {"id"}
    assert disclosed == {"courseTitle", "score"}, disclosed

    entry = await entry_for(learner, shown["exchange_id"])
    (used,) = entry["credentials"]
    assert used["id"] == record_id and not used["whole_credential"]
    assert {"courseTitle", "score"} <= set(used["shared"])
    # Every subject field the verifier did not get, and nothing it got, by name.
    assert set(used["hidden"]) == set(SAMPLE_MICROCREDENTIAL) - disclosed, used
    stored = json.dumps(entry)
    for value in ("Data Literacy Foundations", "EQF 5", "2025-06-30"):
        assert value not in stored, f"history holds the value {value!r}: {stored}"

    page = history_page(learner)
    assert hidden_on_page(page) == {"provider", "completionDate", "credits", "level"}
    assert "They saw: courseTitle, score, " in page, page


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
    assert hidden_on_page(page) == {"provider", "score", "completion_date", "learner_name"}
    assert "They saw: course_title<" in page, page
