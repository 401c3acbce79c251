"""The shared peers start and hold what tests rely on: did:keys, did:web cred def, endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
import pytest_asyncio

from demo.peer_credentials import PROOF_TYPES
from demo.peers import (
    SAMPLE_BADGE,
    SAMPLE_MICROCREDENTIAL,
    DidWebHostProcess,
    IssuerPeer,
    LdKind,
    PeerAgent,
    VerifierPeer,
    decode_invitation,
    invitation_msg_id,
    poll_until,
)

pytestmark = pytest.mark.integration


async def test_issuer_has_both_did_keys_and_its_revocable_cred_def(issuer: IssuerPeer) -> None:
    dids = {d["did"]: d for d in (await issuer.call("GET", "/wallet/did"))["results"]}
    assert dids[issuer.ed25519_did]["key_type"] == "ed25519"
    assert dids[issuer.bbs_did]["key_type"] == "bls12381g2"
    assert issuer.cred_def_id.startswith(issuer.didweb_did + "?service=anoncreds")
    path = f"/anoncreds/credential-definition/{quote(issuer.cred_def_id, safe='')}"
    cred_def = await issuer.call("GET", path)
    assert cred_def["credential_definition"]["schemaId"] == issuer.schema_id
    assert cred_def["credential_definition"]["value"]["revocation"]
    active = f"/anoncreds/revocation/active-registry/{quote(issuer.cred_def_id, safe='')}"
    registry = (await issuer.call("GET", active))["result"]
    assert "relativeRef=/revRegDef/" in registry["revoc_reg_id"], registry


async def test_verifier_and_mediator_are_ready_on_loopback(
    verifier: VerifierPeer, mediator: PeerAgent
) -> None:
    for peer in (verifier, mediator):
        assert await peer.client.is_ready()
        assert peer.endpoint.startswith("http://127.0.0.1:")
    url = await mediator.create_invitation()
    assert "?oob=" in url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bare_holder(
    tmp_path_factory: pytest.TempPathFactory, didweb_host: DidWebHostProcess
) -> AsyncIterator[PeerAgent]:
    """A bare ACA-Py that stores what it receives; offers are answered by the test."""
    base: Path = tmp_path_factory.mktemp("bare-holder")
    args = ("--auto-accept-invites", "--auto-store-credential", "--preserve-exchange-records")
    peer = await PeerAgent.start("bare holder", base, args, env=didweb_host.agent_env)
    yield peer
    await peer.stop()


async def _holder_exchange(holder: PeerAgent, thread_id: str) -> str:
    async def found() -> str | None:
        body = await holder.call("GET", "/issue-credential-2.0/records", thread_id=thread_id)
        results = body.get("results", [])
        return results[0]["cred_ex_record"]["cred_ex_id"] if results else None

    return await poll_until(f"the offer on thread {thread_id}", found)


@pytest.mark.parametrize("kind", ["ed25519", "bbs", "openbadge"])
async def test_issuer_offers_each_ld_kind_and_the_holder_binds_its_did(
    issuer: IssuerPeer, bare_holder: PeerAgent, kind: LdKind
) -> None:
    url = await issuer.create_invitation()
    await bare_holder.receive_invitation(decode_invitation(url))
    connection = await issuer.wait_connection_active(invitation_msg_id(url))
    key_type = "bls12381g2" if kind == "bbs" else "ed25519"
    did = await bare_holder.call(
        "POST", "/wallet/did/create", {"method": "key", "options": {"key_type": key_type}}
    )
    holder_did = did["result"]["did"]
    subject = SAMPLE_BADGE if kind == "openbadge" else SAMPLE_MICROCREDENTIAL
    cred_ex_id = await issuer.offer_ld_credential(connection["connection_id"], kind, subject)
    thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]
    holder_ex = await _holder_exchange(bare_holder, thread_id)
    await bare_holder.wait_state("credential", holder_ex, {"offer-received"})
    await bare_holder.call(
        "POST", f"/issue-credential-2.0/records/{holder_ex}/send-request",
        {"holder_did": holder_did},
    )  # fmt: skip
    record = await bare_holder.wait_state("credential", holder_ex, {"done", "abandoned"})
    assert record["cred_ex_record"]["state"] == "done", record
    stored = await bare_holder.call("POST", "/credentials/w3c", {"subject_ids": [holder_did]})
    [credential] = [r["cred_value"] for r in stored["results"]]
    assert credential["proof"]["type"] == PROOF_TYPES[kind]
    assert credential["credentialSubject"]["id"] == holder_did
    issuer_id = credential["issuer"]
    issuer_id = issuer_id["id"] if isinstance(issuer_id, dict) else issuer_id
    assert issuer_id == issuer.ld_issuer_did(kind)
