"""A DIF request naming a constant is answered from the wallet's claims index, and offers
every matching credential (none fewer than ACA-Py's own full list), against real ACA-Py.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, VerifierPeer
from tests.integration.proof_peers import api_ok, connect, issue_ld, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
WANTED = "Statistics 3"


def course_request(title: str) -> dict[str, Any]:
    """Ed25519, one descriptor: a micro-credential whose course title is exactly `title`."""
    field = {
        "path": ["$.credentialSubject.courseTitle"],
        "filter": {"type": "string", "const": title},
    }
    return {
        "id": str(uuid.uuid4()),
        "name": "Course check",
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
        "input_descriptors": [
            {
                "id": "course",
                "name": "Micro-credential",
                "schema": [{"uri": MICROCREDENTIAL}],
                "constraints": {"fields": [field]},
            }
        ],
    }


async def test_a_constant_field_offers_exactly_the_matching_credentials(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    issuer_connection = await connect(learner, issuer)
    wanted = set()
    for title in (WANTED, "Welding Safety 1", WANTED):
        subject = {**SAMPLE_MICROCREDENTIAL, "courseTitle": title}
        record_id = await issue_ld(issuer, learner, issuer_connection, "ed25519", subject)
        if title == WANTED:
            wanted.add(record_id)
    # one signed with BBS: ACA-Py's route leaves it out of an Ed25519 request, so must we
    bbs = {**SAMPLE_MICROCREDENTIAL, "courseTitle": WANTED}
    await issue_ld(issuer, learner, issuer_connection, "bbs", bbs)

    connection_id = await connect(learner, verifier)
    pres_ex_id = await verifier.request_proof_dif(connection_id, course_request(WANTED))
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    offered = {c["credential_id"] for c in shown["prompt"]["items"][0]["candidates"]}
    assert offered == wanted, shown["prompt"]["items"][0]
    log = (learner.data_dir / "logs" / "controller.log").read_text()
    assert f"proof request {shown['exchange_id']}" in log
    assert "(DIF from the index)" in log

    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    presented = record["by_format"]["pres"]["dif"]["verifiableCredential"]
    assert [vc["credentialSubject"]["courseTitle"] for vc in presented] == [WANTED]

    # nothing held matches: the prompt says so, still without ACA-Py's full list
    pres_ex_id = await verifier.request_proof_dif(connection_id, course_request("Astronomy 9"))
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    item = shown["prompt"]["items"][0]
    assert item["candidates"] == [] and item["missing"] is not None
