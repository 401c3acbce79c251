"""The learner's wallet against a real Credo-ts 0.5.19 issuer and verifier (credo_peer.py).

Stock Credo modules, no changes: JSON-LD credentials over issue-credential 2.0 and DIF
Presentation Exchange over present-proof 2.0. The wallet connects both ways, receives a
credential under each of Credo's auto-accept settings (under ContentApproved with nobody at
Credo: the request equals the offer), answers a DIF request carrying Credo's own (non-UUID)
challenge, declines one, and Credo gives its verdict.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from config.acapy_args import CORE_PLUGINS
from demo.peer_credentials import SAMPLE_MICROCREDENTIAL, microcredential
from demo.peer_verifier import VerifierPeer
from demo.peers import PeerAgent, decode_invitation, poll_until
from tests.integration.credo_peer import AutoAccept, CredoPeer, start_credo_peer
from tests.integration.proof_peers import DEADLINE, api_ok, connect
from tests.integration.proof_peers import request_at_learner as request_from
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
DONE = {"done", "abandoned"}
MICROCREDENTIAL_TYPE = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
REPO = Path(__file__).resolve().parents[2]
ACAPY_ERROR = "Missing required field(s) in thread decorator"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def credo(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CredoPeer]:
    peer = await start_credo_peer(tmp_path_factory.mktemp("credo-peer"))
    yield peer
    await peer.stop()


async def learner_connection(learner: WalletCli, label: str) -> dict[str, Any]:
    async def active() -> dict[str, Any] | None:
        listed = (await api_ok(learner, "GET", "/api/connections"))["connections"]
        return next((c for c in listed if c["state"] == "active" and c["label"] == label), None)

    return await poll_until(f"the learner's connection to {label} to be active", active, DEADLINE)


async def credo_connection(credo: CredoPeer, out_of_band_id: str) -> str:
    async def completed() -> str | None:
        found = [c for c in await credo.connections(out_of_band_id) if c["state"] == "completed"]
        return str(found[0]["id"]) if found else None

    return await poll_until("Credo's connection to be completed", completed, DEADLINE)


async def credo_invites(credo: CredoPeer, learner: WalletCli) -> str:
    """Credo's invitation pasted into the wallet; Credo's connection id once both are active."""
    invitation = await credo.create_invitation()
    url = invitation["invitation_url"]
    await api_ok(learner, "POST", "/api/connections", {"invitation": url})
    await learner_connection(learner, credo.label)
    return await credo_connection(credo, invitation["out_of_band_id"])


async def issue(
    credo: CredoPeer, learner: WalletCli, connection_id: str, auto_accept: AutoAccept
) -> dict[str, Any]:
    """Credo offers a micro-credential without a subject id; the learner accepts it."""
    record_id = await credo.offer(connection_id, course_credential(credo), auto_accept)
    offer_id = await accept_offer_only(learner)
    if auto_accept == "never":  # a person at the issuer approves the request
        await credo.wait(
            "credential exchange", lambda: credo.credential(record_id), {"request-received"}
        )
        await credo.accept_request(record_id)
    offer = await stored_offer(learner, offer_id)
    record = await credo.wait(
        "credential exchange", lambda: credo.credential(record_id), {"done", "credential-issued"}
    )
    stored = await api_ok(learner, "GET", f"/api/credentials/{offer['credential_id']}")
    assert stored["format"] == "w3c" and offer["issuer_did"] == credo.issuer_did, stored
    return record


async def accept_offer_only(learner: WalletCli) -> str:
    async def pending() -> dict[str, Any] | None:
        offers = (await api_ok(learner, "GET", "/api/offers?state=pending"))["offers"]
        return offers[0] if offers else None

    offer = await poll_until("a pending offer at the learner", pending, DEADLINE)
    await api_ok(learner, "POST", f"/api/offers/{offer['id']}/accept")
    return str(offer["id"])


async def stored_offer(learner: WalletCli, offer_id: str) -> dict[str, Any]:
    async def stored() -> dict[str, Any] | None:
        current = await api_ok(learner, "GET", f"/api/offers/{offer_id}")
        assert current["state"] not in ("failed", "declined"), current
        return current if current["state"] == "done" and current["credential_id"] else None

    return await poll_until("the accepted credential to be stored", stored, DEADLINE)


def course_credential(credo: CredoPeer) -> dict[str, Any]:
    """The demo micro-credential with its type written as the full IRI (see course_definition)."""
    credential = microcredential(credo.issuer_did, SAMPLE_MICROCREDENTIAL)
    return {**credential, "type": ["VerifiableCredential", MICROCREDENTIAL_TYPE]}


def course_definition() -> dict[str, Any]:
    """A DIF v1 request both stacks match. ACA-Py ANDs a descriptor's schema URIs and matches
    them to expanded types (schema ids are not recorded for issued credentials); Credo's PEX
    matches them to contexts, schema ids or types as written. A type written as its full IRI
    is both."""
    return {
        "id": str(uuid.uuid4()),
        "name": "Course check",
        "purpose": "We check the course you completed.",
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2018"]}},
        "input_descriptors": [
            {
                "id": "course",
                "name": "Micro-credential",
                "schema": [{"uri": MICROCREDENTIAL_TYPE}],
                "constraints": {"fields": [{"path": ["$.credentialSubject.courseTitle"]}]},
            }
        ],
    }


async def request_at_learner(learner: WalletCli, after: str | None = None) -> dict[str, Any]:
    """The newest request at the learner other than `after` (one already answered)."""

    async def arrived() -> dict[str, Any] | None:
        listed = (await api_ok(learner, "GET", "/api/requests"))["requests"]
        fresh = [r for r in listed if r["exchange_id"] != after]
        if not fresh:
            return None
        return await api_ok(learner, "GET", f"/api/requests/{fresh[0]['exchange_id']}")

    return await poll_until("Credo's proof request at the learner", arrived, DEADLINE)


async def test_credo_invites_issues_always_verifies_a_dif_proof_and_sees_a_decline(
    credo: CredoPeer, learner: WalletCli
) -> None:
    """Credo's invitation (its DID exchange response has no pthid: credo_compat completes it),
    `always` issuance, a DIF request with Credo's own challenge approved and verified by
    Credo, then a second request declined, which Credo records as abandoned."""
    connection_id = await credo_invites(credo, learner)
    issued = await issue(credo, learner, connection_id, "always")
    assert issued["state"] in ("done", "credential-issued"), issued

    proof_id = await credo.request_proof(connection_id, course_definition())
    shown = await request_at_learner(learner)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    verdict = await credo.wait("proof exchange", lambda: credo.proof(proof_id), DONE)
    assert verdict["state"] == "done" and verdict["is_verified"] is True, verdict
    challenge = verdict["challenge"]
    with pytest.raises(ValueError):  # Credo's own nonce, not the UUID ACA-Py makes
        uuid.UUID(challenge)
    assert verdict["presentation"]["proof"]["challenge"] == challenge

    proof_id = await credo.request_proof(connection_id, course_definition())
    shown = await request_at_learner(learner, after=shown["exchange_id"])
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline")
    refused = await credo.wait("proof exchange", lambda: credo.proof(proof_id), DONE)
    assert refused["state"] == "abandoned" and not refused["is_verified"], refused
    assert refused["error_message"], refused


async def test_the_learner_invites_and_credo_issues_with_never_and_content_approved(
    credo: CredoPeer, learner: WalletCli, verifier: VerifierPeer
) -> None:
    """The learner's own invitation, then `never` (a person at Credo approves the request) and
    `contentApproved`, which issues with nobody at Credo: the wallet does not know Credo to
    accept a bound request, so it asks for the credential as offered (issuance/binding.py).
    That credential has no subject id; its presentation, signed with a did:key made for it,
    verifies at Credo and at an ACA-Py verifier, and the two share no signer."""
    own = await api_ok(learner, "POST", "/api/invitation")
    received = await credo.receive_invitation(own["url"])
    mine = await learner_connection(learner, credo.label)
    assert mine["id"] == own["connection_id"]
    connection_id = await credo_connection(credo, received["out_of_band_id"])
    await issue(credo, learner, connection_id, "never")

    record_id = await credo.offer(connection_id, course_credential(credo), "contentApproved")
    offer = await stored_offer(learner, await accept_offer_only(learner))  # nobody at Credo
    record = await credo.wait(
        "credential exchange", lambda: credo.credential(record_id), {"done", "credential-issued"}
    )
    assert record["requested"]["credential"] == record["offered"]["credential"], record
    assert offer["holder_did"] is None and offer["subject_id"] is None, offer

    proof_id = await credo.request_proof(connection_id, course_definition())
    shown = await request_at_learner(learner)
    chosen = {"choices": {"course": {"credential_id": offer["credential_id"]}}}
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve", chosen)
    verdict = await credo.wait("proof exchange", lambda: credo.proof(proof_id), DONE)
    assert verdict["state"] == "done" and verdict["is_verified"] is True, verdict
    at_credo = verdict["presentation"]
    assert "id" not in at_credo["verifiableCredential"][0]["credentialSubject"], at_credo

    acapy_connection = await connect(learner, verifier)
    pres_ex_id = await verifier.request_proof_dif(acapy_connection, course_definition())
    asked = await request_from(learner, verifier, pres_ex_id)
    await api_ok(learner, "POST", f"/api/requests/{asked['exchange_id']}/approve", chosen)
    checked = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert checked["state"] == "done" and checked["verified"] == "true", checked
    at_acapy = checked["by_format"]["pres"]["dif"]
    assert "id" not in at_acapy["verifiableCredential"][0]["credentialSubject"], at_acapy
    signers = {at_credo["proof"]["verificationMethod"], at_acapy["proof"]["verificationMethod"]}
    assert len(signers) == 2 and all(s.startswith("did:key:") for s in signers), signers


async def test_without_credo_compat_plain_acapy_never_completes_credos_exchange(
    credo: CredoPeer, tmp_path: Path
) -> None:
    """What credo_compat (loaded by the learner's wallet above) fixes: ACA-Py 1.7 alone fails
    its own `complete` to a Credo inviter, whose response has no pthid."""
    plain = await PeerAgent.start(
        "plain",
        tmp_path,
        ("--auto-accept-invites",),
        env={"PYTHONPATH": str(REPO)},
        plugins=CORE_PLUGINS,
    )
    try:
        url = (await credo.create_invitation())["invitation_url"]
        oob = await plain.receive_invitation(decode_invitation(url))
        log = plain.process.launch.log_file

        async def failed() -> bool:
            return ACAPY_ERROR in log.read_text(errors="replace")

        await poll_until(f"plain ACA-Py to log {ACAPY_ERROR!r}", failed)
        stuck = await plain.record("connection", str(oob["connection_id"]))
        assert stuck["rfc23_state"] != "completed", stuck
    finally:
        await plain.stop()
