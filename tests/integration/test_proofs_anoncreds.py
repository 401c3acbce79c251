"""AnonCreds proofs through the real wallet: selective disclosure, a predicate, two credentials.

Credentials are issued into the learner's wallet by the real issuer; the real verifier asks
and verifies. What the verifier's record shows is what was disclosed.
"""

from __future__ import annotations

from typing import Any

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


async def acknowledged_in_history(learner: WalletCli, exchange_id: str) -> dict[str, Any]:
    """The history entry once the verifier's ack has reached the wallet.

    ACA-Py 1.7 verifiers ack without the verification result, so "acknowledged" it is.
    """

    async def acknowledged() -> dict[str, Any] | None:
        entries = (await api_ok(learner, "GET", "/api/history"))["entries"]
        entry = next(e for e in entries if e["exchange_id"] == exchange_id)
        return entry if entry["outcome"] == "acknowledged" else None

    return await poll_until("the verifier's ack in history", acknowledged, DEADLINE)


async def test_revealed_hidden_and_predicate_reach_the_verifier_as_chosen(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    credential_id = await issue_anoncreds(issuer, learner, await connect(learner, issuer))
    connection_id = await connect(learner, verifier)
    only_ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id,
        {
            "course": {"name": "course_title", "restrictions": only_ours},
            "who": {"name": "learner_name", "restrictions": only_ours},
        },
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only_ours}},
        name="Course check",
    )

    shown = await request_at_learner(learner, verifier, pres_ex_id)
    prompt = shown["prompt"]
    assert shown["answerable"] and shown["verifier"]["label"] == verifier.label
    items = {item["referent"]: item for item in prompt["items"]}
    assert items["who"]["may_hide"]
    assert items["passed"]["predicate"]["sentence"].startswith("your score is at least 70")
    assert items["course"]["default_credential_id"] == credential_id
    decision = {
        "choices": {
            "course": {"credential_id": credential_id},
            "who": {"credential_id": credential_id, "revealed": False},
            "passed": {"credential_id": credential_id},
        }
    }
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve", decision)

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    proof = record["by_format"]["pres"]["anoncreds"]["requested_proof"]
    assert set(proof["revealed_attrs"]) == {"course"}
    assert proof["revealed_attrs"]["course"]["raw"] == "Data Literacy Foundations"
    assert set(proof["unrevealed_attrs"]) == {"who"}
    assert set(proof["predicates"]) == {"passed"}
    assert proof["unrevealed_attrs"]["who"].keys() == {"sub_proof_index"}
    assert proof["predicates"]["passed"].keys() == {"sub_proof_index"}
    assert "Ada Lovelace" not in str(record["by_format"]["pres"])

    entry = await acknowledged_in_history(learner, shown["exchange_id"])
    assert entry["revealed"] == ["course_title"]
    assert entry["hidden"] == ["learner_name"]
    assert entry["predicates"] == ["score >= 70"]
    assert entry["verifier"]["label"] == verifier.label and not entry["verifier"]["trusted"]
    assert entry["credentials"][0]["id"] == credential_id


async def test_two_credentials_answer_one_request_each_for_its_own_item(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    issuer_connection = await connect(learner, issuer)
    literacy = await issue_anoncreds(issuer, learner, issuer_connection)
    statistics = await issue_anoncreds(
        issuer, learner, issuer_connection, course_title="Statistics Basics", score="74"
    )
    connection_id = await connect(learner, verifier)
    ours = issuer.cred_def_id
    elsewhere = ours.replace("/credDef/", "/credDef/Nowhere")

    def course(title: str) -> dict[str, str]:
        return {"cred_def_id": ours, "attr::course_title::value": title}

    # Several restrictions mean "any one of them": ACA-Py's own search ANDs them.
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id,
        {
            "literacy": {
                "name": "course_title",
                "restrictions": [course("Data Literacy Foundations")],
            },
            "statistics": {
                "name": "course_title",
                "restrictions": [{"cred_def_id": elsewhere}, course("Statistics Basics")],
            },
        },
        {
            "statistics_passed": {
                "name": "score",
                "p_type": ">=",
                "p_value": 70,
                "restrictions": [course("Statistics Basics")],
            }
        },
        name="Two courses",
    )

    shown = await request_at_learner(learner, verifier, pres_ex_id)
    items = {item["referent"]: item for item in shown["prompt"]["items"]}
    assert items["literacy"]["default_credential_id"] == literacy
    assert items["statistics"]["default_credential_id"] == statistics
    assert items["statistics_passed"]["default_credential_id"] == statistics
    assert [c["credential_id"] for c in items["statistics"]["candidates"]] == [statistics]
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    presented = record["by_format"]["pres"]["anoncreds"]
    revealed = presented["requested_proof"]["revealed_attrs"]
    assert revealed["literacy"]["raw"] == "Data Literacy Foundations"
    assert revealed["statistics"]["raw"] == "Statistics Basics"
    assert revealed["literacy"]["sub_proof_index"] != revealed["statistics"]["sub_proof_index"]
    assert len(presented["identifiers"]) == 2

    entry = await acknowledged_in_history(learner, shown["exchange_id"])
    used = {c["id"]: c["items"] for c in entry["credentials"]}
    assert used == {literacy: ["literacy"], statistics: ["statistics", "statistics_passed"]}
