"""A request for a credential the learner lacks, with real peers (issue #17, point 6).

The verifier asks for the issuer's AnonCreds credential before the learner has it: the
prompt names the issuer from the learner's trust list (never by its DID) and carries the
trust list's invitation. The learner connects with it, the issuer issues, and the waiting
prompt becomes answerable by itself; the approval is verified.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from demo.peer_issuer import COURSE_SCHEMA_NAME
from demo.peers import (
    DidWebHostProcess,
    IssuerPeer,
    VerifierPeer,
    invitation_msg_id,
    poll_until,
)
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import (
    COURSE,
    DEADLINE,
    accept_next_offer,
    api_ok,
    connect,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
ISSUER_NAME = "Open Learning Institute (trust list)"


@pytest.fixture
async def trusting_learner(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer
) -> AsyncIterator[tuple[WalletCli, str]]:
    """A wallet whose trust list names the issuer, with an invitation to it."""
    invitation = await issuer.create_invitation()
    trust = tmp_path / "trust.json"
    entry = {"did": issuer.didweb_did, "name": ISSUER_NAME, "invitation": invitation}
    trust.write_text(json.dumps([entry]), encoding="utf-8")
    cli = start_learner(tmp_path / "learner", didweb_host, LEARNER_WALLET_TRUST_LIST=str(trust))
    try:
        yield cli, invitation
    finally:
        cli.kill()


async def test_a_waiting_request_names_the_issuer_and_becomes_answerable_when_issued(
    issuer: IssuerPeer, verifier: VerifierPeer, trusting_learner: tuple[WalletCli, str]
) -> None:
    learner, invitation = trusting_learner
    only_ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        await connect(learner, verifier),
        {"course": {"name": "course_title", "restrictions": only_ours}},
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only_ours}},
        name="Course check",
    )
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert not shown["answerable"] and shown["arrived"] == [], shown
    exchange_id = shown["exchange_id"]
    for item in shown["prompt"]["items"]:
        missing = item["missing"]
        assert missing is not None, item
        hints = [(h["name"], h["trusted"], h["invitation"]) for h in missing["issuers"]]
        assert hints == [(ISSUER_NAME, True, invitation)], missing
        assert missing["kinds"] == [COURSE_SCHEMA_NAME], "resolved: the issuer is trusted"
        assert ISSUER_NAME in missing["sentence"] and "did:" not in missing["sentence"]

    # "Connect to <issuer>" posts the trust list's invitation, as the prompt's button does.
    await api_ok(learner, "POST", "/api/connections", {"invitation": invitation})
    record = await issuer.wait_connection_active(invitation_msg_id(invitation), DEADLINE)
    await issuer.offer_anoncreds(str(record["connection_id"]), COURSE)
    stored = await accept_next_offer(learner)

    async def answerable() -> dict[str, Any] | None:
        current = await api_ok(learner, "GET", f"/api/requests/{exchange_id}")
        return current if current["answerable"] else None

    ready = await poll_until("the waiting prompt to become answerable", answerable, DEADLINE)
    assert ready["status"] == "waiting" and ready["arrived"], ready
    candidates = [c for item in ready["prompt"]["items"] for c in item["candidates"]]
    assert {c["stored_id"] for c in candidates} == {stored["credential_id"]}, "one id form"
    await api_ok(learner, "POST", f"/api/requests/{exchange_id}/approve")

    done = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert done["state"] == "done" and done["verified"] == "true", done
    proof = done["by_format"]["pres"]["anoncreds"]["requested_proof"]
    assert proof["revealed_attrs"]["course"]["raw"] == COURSE["course_title"]
