"""DIF Presentation Exchange through the real wallet: BBS selective disclosure, Ed25519 whole
credentials as announced, and a Credo-style (non-UUID) challenge.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, VerifierPeer
from tests.integration.proof_peers import (
    api_ok,
    connect,
    entry_for,
    hidden_on_page,
    history_page,
    issue_ld,
    leaves,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
CREDO_NONCE = "973521583945672345178923645123456789012"


def definition(proof_type: str, fields: list[str], limit: bool) -> dict[str, Any]:
    constraints: dict[str, Any] = {
        "fields": [{"path": [f"$.credentialSubject.{f}"]} for f in fields]
    }
    if limit:
        constraints["limit_disclosure"] = "required"
    return {
        "id": str(uuid.uuid4()),
        "name": "Course check",
        "purpose": "We check the course you completed.",
        "format": {"ldp_vp": {"proof_type": [proof_type]}},
        "input_descriptors": [
            {
                "id": "course",
                "name": "Micro-credential",
                "schema": [{"uri": MICROCREDENTIAL}],
                "constraints": constraints,
            }
        ],
    }


def presented_subject(record: dict[str, Any]) -> dict[str, Any]:
    presentation = record["by_format"]["pres"]["dif"]
    credentials = presentation["verifiableCredential"]
    assert len(credentials) == 1, credentials
    return credentials[0]["credentialSubject"]


async def test_bbs_limit_disclosure_shares_only_the_two_requested_fields(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    record_id = await issue_ld(
        issuer, learner, await connect(learner, issuer), "bbs", SAMPLE_MICROCREDENTIAL
    )
    connection_id = await connect(learner, verifier)
    pd = definition("BbsBlsSignature2020", ["courseTitle", "score"], limit=True)
    pres_ex_id = await verifier.request_proof_dif(connection_id, pd)

    shown = await request_at_learner(learner, verifier, pres_ex_id)
    item = shown["prompt"]["items"][0]
    view = next(c for c in item["candidates"] if c["credential_id"] == record_id)
    assert item["selective"] and not view["whole_credential"]
    assert {"credentialSubject.courseTitle", "credentialSubject.score"} <= {
        v["name"] for v in view["will_see"] if not v["always_disclosed"]
    }
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    subject = presented_subject(record)
    assert subject["courseTitle"] == "Data Literacy Foundations"
    assert str(subject["score"]) == "87"
    for hidden in ("provider", "completionDate", "credits", "level"):
        assert hidden not in subject, f"{hidden} was disclosed: {subject}"

    # History (issue #18) names each field shared and each that stayed hidden, no value.
    entry = await entry_for(learner, shown["exchange_id"])
    (used,) = entry["credentials"]
    assert used["id"] == record_id and not used["whole_credential"]
    assert {"courseTitle", "score"} <= set(used["shared"])
    disclosed = set(subject) - {"id"}
    assert set(used["hidden"]) == set(SAMPLE_MICROCREDENTIAL) - disclosed, used
    stored = json.dumps(entry)
    for value in ("Data Literacy Foundations", "EQF 5", "2025-06-30"):
        assert value not in stored, f"history holds the value {value!r}: {stored}"
    page = history_page(learner)
    assert hidden_on_page(page) == {"Provider", "Completion date", "Credits", "Level"}


async def test_ed25519_shares_the_whole_credential_as_the_prompt_announced(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    record_id = await issue_ld(
        issuer, learner, await connect(learner, issuer), "ed25519", SAMPLE_MICROCREDENTIAL
    )
    connection_id = await connect(learner, verifier)
    pd = definition("Ed25519Signature2020", ["courseTitle"], limit=False)
    pres_ex_id = await verifier.request_proof_dif(connection_id, pd)

    shown = await request_at_learner(learner, verifier, pres_ex_id)
    view = shown["prompt"]["items"][0]["candidates"][0]
    assert view["credential_id"] == record_id
    assert view["whole_credential"] and "whole credential" in view["statement"]
    announced = {v["name"] for v in view["will_see"]}
    subject_fields = {f"credentialSubject.{name}" for name in SAMPLE_MICROCREDENTIAL}
    assert subject_fields <= announced
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    subject = presented_subject(record)
    assert {k for k in subject if k != "id"} == set(SAMPLE_MICROCREDENTIAL)
    received = leaves(record["by_format"]["pres"]["dif"]["verifiableCredential"][0])
    assert {n for n in announced if n.startswith("credentialSubject.")} <= received
    history = (await api_ok(learner, "GET", "/api/history"))["entries"]
    used = history[0]["credentials"]
    assert used[0]["id"] == record_id and used[0]["whole_credential"]


async def test_credo_style_decimal_challenge_is_shown_and_answered(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    await issue_ld(issuer, learner, await connect(learner, issuer), "bbs", SAMPLE_MICROCREDENTIAL)
    connection_id = await connect(learner, verifier)
    pd = definition("BbsBlsSignature2020", ["courseTitle"], limit=True)
    pres_ex_id = await verifier.request_proof_dif(connection_id, pd, challenge=CREDO_NONCE)

    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert shown["answerable"], shown
    assert shown["prompt"]["challenge"] == CREDO_NONCE
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    assert record["by_format"]["pres"]["dif"]["proof"]["challenge"] == CREDO_NONCE
