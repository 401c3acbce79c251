"""A proof request becomes a prompt in one call to the learner's ACA-Py (issue #20), and
that call finds exactly what ACA-Py's own two routes find, or refuses what the wallet
refuses without searching anything.

Real learner wallet, issuer and verifier; the learner's ACA-Py access log says which admin
calls the controller made for each request.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from agent.admin_models import PresentationExchangeRecord
from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, VerifierPeer
from protocols.consent import parse_request
from protocols.presentation.candidates import fetch_candidates
from tests.integration.proof_peers import (
    connect,
    issue_anoncreds,
    issue_ld,
    learner_admin,
    request_at_learner,
)
from tests.integration.test_proofs_dif import definition
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
ADMIN_CALL = re.compile(r'aiohttp\.access .*"(GET|POST|DELETE) ([^ "]+)')


def admin_calls_naming(learner: WalletCli, exchange_id: str) -> list[str]:
    """`METHOD path` of every admin call the learner's ACA-Py served that names the exchange."""
    text = "".join(
        p.read_text("utf-8", errors="replace") for p in (learner.data_dir / "logs").glob("acapy*")
    )
    return [
        f"{method} {path.split('?')[0]}"
        for method, path in ADMIN_CALL.findall(text)
        if exchange_id in path
    ]


def by_id(entries: list[dict[str, Any]]) -> list[str]:
    """Candidates compared whole, in a stable order."""
    return sorted(json.dumps(entry, sort_keys=True) for entry in entries)


async def test_each_request_is_read_in_one_call_that_finds_what_the_two_routes_find(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    at_issuer = await connect(learner, issuer)
    anoncreds_id = await issue_anoncreds(issuer, learner, at_issuer)
    ed25519_id = await issue_ld(issuer, learner, at_issuer, "ed25519", SAMPLE_MICROCREDENTIAL)
    bbs_id = await issue_ld(issuer, learner, at_issuer, "bbs", SAMPLE_MICROCREDENTIAL)
    at_verifier = await connect(learner, verifier)
    ours = [{"cred_def_id": issuer.cred_def_id}]
    asked = {
        anoncreds_id: await verifier.request_proof_anoncreds(
            at_verifier,
            {"course": {"name": "course_title", "restrictions": ours}},
            {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": ours}},
        ),
        ed25519_id: await verifier.request_proof_dif(
            at_verifier, definition("Ed25519Signature2020", ["courseTitle"], limit=False)
        ),
        bbs_id: await verifier.request_proof_dif(
            at_verifier, definition("BbsBlsSignature2020", ["courseTitle"], limit=True)
        ),
    }
    for credential_id, pres_ex_id in asked.items():
        shown = await request_at_learner(learner, verifier, pres_ex_id)
        exchange_id = shown["exchange_id"]
        offered = {
            c["credential_id"] for item in shown["prompt"]["items"] for c in item["candidates"]
        }
        assert credential_id in offered, (credential_id, shown["prompt"])
        path = f"/learner-wallet/presentations/{exchange_id}/prompt-inputs"
        assert admin_calls_naming(learner, exchange_id) == [f"GET {path}"]

        async with learner_admin(learner) as admin:
            inputs = await admin.prompt_inputs(exchange_id, w3c_held=0, index=[])
            record = await admin.presentation_exchange(exchange_id)
            plain = await fetch_candidates(admin, exchange_id, parse_request(record.model_dump()))
        assert PresentationExchangeRecord.model_validate(inputs["record"]) == record
        assert "refused" not in inputs and inputs["searched"]
        assert by_id(inputs["candidates"]) == by_id(plain) and plain, exchange_id

    # The wallet left the AnonCreds part to its own index, which could answer it.
    log = (learner.data_dir / "logs" / "controller.log").read_text("utf-8")
    built = [line for line in log.splitlines() if "prompt built" in line]
    assert len(built) == 3 and ["(AnonCreds from the index)" in line for line in built] == [
        True,
        False,
        False,
    ], built


async def test_a_refused_request_is_refused_inside_acapy_before_any_search(
    verifier: VerifierPeer, learner: WalletCli
) -> None:
    at_verifier = await connect(learner, verifier)
    thousand = {f"a{i}": {"name": f"attribute_{i}"} for i in range(1000)}
    pres_ex_id = await verifier.request_proof_anoncreds(at_verifier, thousand, name="Everything")
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert not shown["answerable"] and "asks for 1000 items" in shown["refused"]

    async with learner_admin(learner) as admin:
        inputs = await admin.prompt_inputs(shown["exchange_id"], w3c_held=0, index=[])
    assert inputs["refused"]["key"] == "consent.engine.refused.too_many_items"
    assert "candidates" not in inputs and "searched" not in inputs


async def test_an_exchange_acapy_does_not_hold_is_a_null_record_not_a_404(
    learner: WalletCli,
) -> None:
    async with learner_admin(learner) as admin:
        assert await admin.prompt_inputs(str(uuid.uuid4()), w3c_held=0, index=[]) == {
            "record": None
        }
