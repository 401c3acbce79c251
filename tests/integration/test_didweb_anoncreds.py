"""did:web AnonCreds with real ACA-Py: register, resolve elsewhere, issue, prove, revoke.

The shared issuer publishes into the directory the HTTPS did:web host serves (test CA made
at run time); a plain ACA-Py holder resolves through the same plugin and the shared verifier
checks a predicate proof. This tests the registry plugin, so the holder here is a bare agent
that answers by itself, not the learner's wallet.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import pytest_asyncio

from agent.plugins.didweb_anoncreds.identifiers import parse_object_id
from demo.peers import (
    DidWebHostProcess,
    IssuerPeer,
    PeerAgent,
    VerifierPeer,
    decode_invitation,
    invitation_msg_id,
    non_revoked_now,
    poll_until,
)

pytestmark = pytest.mark.integration
AUTO_HOLDER_ARGS = (
    "--auto-accept-invites",
    "--auto-respond-credential-offer",
    "--auto-store-credential",
    "--auto-respond-presentation-request",
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def holder(
    tmp_path_factory: pytest.TempPathFactory, didweb_host: DidWebHostProcess
) -> AsyncIterator[PeerAgent]:
    """A bare ACA-Py holder with the did:web plugin, trusting the host's test CA."""
    base: Path = tmp_path_factory.mktemp("didweb-holder")
    peer = await PeerAgent.start("holder", base, AUTO_HOLDER_ARGS, env=didweb_host.agent_env)
    yield peer
    await peer.stop()


async def _register(issuer: IssuerPeer, revocable: bool) -> tuple[str, str]:
    schema = {"attrNames": ["name", "score"], "issuerId": issuer.didweb_did, "version": "1.0"}
    schema["name"] = f"degree-{uuid.uuid4().hex[:6]}"
    result = await issuer.call("POST", "/anoncreds/schema", {"schema": schema})
    schema_id = result["schema_state"]["schema_id"]
    options = {"support_revocation": revocable, "revocation_registry_size": 10}
    body = {"issuerId": issuer.didweb_did, "schemaId": schema_id, "tag": "default"}
    result = await issuer.call(
        "POST",
        "/anoncreds/credential-definition",
        {"credential_definition": body, "options": options},
    )
    state = result["credential_definition_state"]
    assert state["state"] == "finished"
    return schema_id, state["credential_definition_id"]


async def test_holder_resolves_what_the_issuer_registered(
    issuer: IssuerPeer, holder: PeerAgent
) -> None:
    schema_id, cred_def_id = await _register(issuer, revocable=False)

    assert "?service=anoncreds&relativeRef=/schema/" in schema_id
    schema = await holder.call("GET", f"/anoncreds/schema/{quote(schema_id, safe='')}")
    assert schema["schema"]["attrNames"] == ["name", "score"]
    assert schema["schema"]["issuerId"] == issuer.didweb_did
    cred_def = await holder.call(
        "GET", f"/anoncreds/credential-definition/{quote(cred_def_id, safe='')}"
    )
    assert cred_def["credential_definition"]["schemaId"] == schema_id


async def _connect(inviter: PeerAgent, holder: PeerAgent) -> str:
    url = await inviter.create_invitation()
    await holder.receive_invitation(decode_invitation(url))
    return str((await inviter.wait_connection_active(invitation_msg_id(url)))["connection_id"])


async def _prove(verifier: VerifierPeer, connection_id: str, cred_def_id: str) -> str:
    restriction = [{"cred_def_id": cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id,
        {"n": {"name": "learner_name", "restrictions": restriction}},
        {"s": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": restriction}},
        non_revoked=non_revoked_now(),
        name="admission",
    )
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    return str(record.get("verified"))


async def test_revocable_credential_proves_until_revoked(
    issuer: IssuerPeer, verifier: VerifierPeer, holder: PeerAgent
) -> None:
    connection_id = await _connect(issuer, holder)
    attributes = {
        "course_title": "Statistics 101",
        "provider": issuer.label,
        "score": "85",
        "completion_date": "2025-06-30",
        "learner_name": f"Alice {uuid.uuid4().hex[:6]}",
    }
    cred_ex_id = await issuer.offer_anoncreds(connection_id, attributes)

    async def stored() -> list[dict[str, Any]] | None:
        results = (await holder.call("GET", "/credentials"))["results"]
        mine = attributes["learner_name"]
        return [c for c in results if c["attrs"].get("learner_name") == mine] or None

    credential = (await poll_until("the holder to store the credential", stored))[0]
    assert credential["cred_def_id"] == issuer.cred_def_id
    assert "relativeRef=/revRegDef/" in credential["rev_reg_id"]
    verifier_connection = await _connect(verifier, holder)
    assert await _prove(verifier, verifier_connection, issuer.cred_def_id) == "true"

    rid = parse_object_id(credential["rev_reg_id"]).rid
    versions = issuer.publish_dir / "revStatus" / rid
    before = len(list(versions.iterdir()))
    await issuer.revoke(cred_ex_id, notify=False)

    async def published_and_past() -> bool:
        stamps = [int(path.name) for path in versions.iterdir()]
        # One more version, and "now" is past the newest so a request as of now sees it.
        return len(stamps) == before + 1 and int(time.time()) > max(stamps)

    await poll_until("the revocation to be published as a new status list", published_and_past)
    assert await _prove(verifier, verifier_connection, issuer.cred_def_id) == "false"
