"""Issue #4 point 4 through the real wallet: non-revocation proven, then refused once revoked.

The verifier asks for a non-revocation proof (`non_revoked` now); the learner approves the
prompt's defaults and the verifier checks the proof against the issuer's did:web status
list. After the issuer revokes (without a notice), the wallet learns it from the status list
and its next prompt names the credential as revoked instead of offering it.
"""

from __future__ import annotations

import pytest

from demo.peers import IssuerPeer, VerifierPeer, non_revoked_now, poll_until
from tests.integration.proof_peers import (
    COURSE,
    DEADLINE,
    accept_next_offer,
    api,
    api_ok,
    connect,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def _ask(verifier: VerifierPeer, connection_id: str, cred_def_id: str) -> str:
    only_ours = [{"cred_def_id": cred_def_id}]
    return await verifier.request_proof_anoncreds(
        connection_id,
        {"course": {"name": "course_title", "restrictions": only_ours}},
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only_ours}},
        non_revoked=non_revoked_now(),
        name="Is the course result still valid?",
    )


async def test_non_revocation_is_proven_and_a_revoked_credential_is_not_offered(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    cred_ex_id = await issuer.offer_anoncreds(await connect(learner, issuer), COURSE)
    credential_id = (await accept_next_offer(learner))["credential_id"]
    verifier_connection = await connect(learner, verifier)

    first = await _ask(verifier, verifier_connection, issuer.cred_def_id)
    shown = await request_at_learner(learner, verifier, first)
    assert shown["answerable"], shown
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    record = await verifier.wait_state("presentation", first, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    [identifier] = record["by_format"]["pres"]["anoncreds"]["identifiers"]
    assert identifier["rev_reg_id"] and identifier["timestamp"], identifier

    await issuer.revoke(cred_ex_id, notify=False)

    async def revoked() -> bool:
        detail = await api_ok(learner, "GET", f"/api/credentials/{credential_id}")
        return detail["status"] == "revoked"

    await poll_until("the wallet to see the revocation in the status list", revoked, DEADLINE)
    second = await _ask(verifier, verifier_connection, issuer.cred_def_id)
    again = await request_at_learner(learner, verifier, second)
    assert not again["answerable"], again
    text = str(again["prompt"]["items"])
    assert "revoked" in text, text
    status, _ = await api(learner, "POST", f"/api/requests/{again['exchange_id']}/approve")
    assert status == 422
    assert (await verifier.pres_record(second))["state"] == "request-sent"
