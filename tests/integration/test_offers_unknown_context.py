"""A credential that fails at the learner's side reaches `failed` with the reason (issue #3, 9).

The issuer here is a real ACA-Py that knows one JSON-LD context more than the learner's
wallet (`jsonld_contexts.extra_contexts`). It signs a credential using that context; the
learner's agent, which never fetches contexts, cannot process it. ACA-Py 1.7 leaves such an
exchange without a terminal state; the learner must see it failed, with the reason, within
the exchange deadline, and keep every other credential.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from demo.peer_credentials import SAMPLE_MICROCREDENTIAL, microcredential
from demo.peer_issuer import IssuerPeer, issuer_args
from demo.peers import DidWebHostProcess
from tests.integration.proof_peers import api_ok, connect
from tests.integration.test_offers import offer_in_state, shown_offer
from tests.integration.test_offers_auto_and_failure import IMPATIENT_ENV, learner_with

pytestmark = pytest.mark.integration
REGISTRAR_CONTEXT = "https://registrar.example/contexts/transcript/v1"
REGISTRAR_LABEL = "Registrar With Own Vocabulary"


def registrar_contexts(directory: Path) -> Path:
    """The issuer's own context: known to the issuer only, never bundled with the wallet."""
    document = {
        "@context": {
            "@version": 1.1,
            "@protected": True,
            "transcriptNote": "https://registrar.example/vocab#transcriptNote",
        }
    }
    path = directory / "registrar-contexts.json"
    path.write_text(json.dumps({REGISTRAR_CONTEXT: document}), encoding="utf-8")
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def registrar(
    tmp_path_factory: pytest.TempPathFactory, didweb_host: DidWebHostProcess
) -> AsyncIterator[IssuerPeer]:
    base = tmp_path_factory.mktemp("registrar")
    extra = ["--plugin-config-value", f"jsonld_contexts.extra_contexts={registrar_contexts(base)}"]
    args = [*issuer_args(didweb_host, "registrar"), *extra]
    peer = await IssuerPeer.start(REGISTRAR_LABEL, base, args, env=didweb_host.agent_env)
    try:
        await peer.make_did_keys()
        yield peer
    finally:
        await peer.stop()


def transcript_offer(issuer: IssuerPeer) -> dict[str, Any]:
    credential = microcredential(issuer.ed25519_did, SAMPLE_MICROCREDENTIAL)
    credential["@context"].append(REGISTRAR_CONTEXT)
    credential["credentialSubject"]["transcriptNote"] = "Passed with distinction"
    return {
        "ld_proof": {"credential": credential, "options": {"proofType": "Ed25519Signature2020"}}
    }


async def test_a_credential_the_wallet_cannot_process_fails_with_the_reason(
    tmp_path_factory: pytest.TempPathFactory,
    didweb_host: DidWebHostProcess,
    registrar: IssuerPeer,
) -> None:
    cli = await learner_with(tmp_path_factory, didweb_host, **IMPATIENT_ENV)
    try:
        connection_id = await connect(cli, registrar)
        known = await registrar.offer_ld_credential(
            connection_id, "ed25519", SAMPLE_MICROCREDENTIAL
        )
        stored = await offer_in_state(
            cli, (await accept(cli, registrar, known))["id"], "done", "failed"
        )
        assert stored["state"] == "done", stored

        body = {"connection_id": connection_id, "filter": transcript_offer(registrar)}
        record = await registrar.call("POST", "/issue-credential-2.0/send-offer", body)
        shown = await accept(cli, registrar, str(record["cred_ex_id"]))
        failed = await offer_in_state(cli, shown["id"], "failed", "done")
        assert failed["state"] == "failed"
        assert REGISTRAR_CONTEXT in failed["failure"], failed
        assert "does not have" in failed["failure"], failed

        page = await api_ok(cli, "GET", "/api/credentials")
        assert page["total"] == 1, page
        assert page["items"][0]["id"] == stored["credential_id"]  # one id form
    finally:
        await asyncio.to_thread(cli.kill)


async def accept(cli: Any, issuer: IssuerPeer, cred_ex_id: str) -> dict[str, Any]:
    shown = await shown_offer(cli, issuer, cred_ex_id)
    await api_ok(cli, "POST", f"/api/offers/{shown['id']}/accept")
    return shown
