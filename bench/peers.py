"""The peers both holders meet: the demo's issuer and verifier, reporting to the bench.

They are the same code the demo and the integration tests run (`demo/peers.py`); the bench
only adds a `--webhook-url` so the end of every flow is pushed, not polled, and registers
two credential definitions without revocation: one for the many credentials it issues, and
one for the single credential each holder proves with, so a proof request matches the same
credentials in every iteration however many offers came before it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bench.hooks import HookBoard
from demo.peer_issuer import ISSUER_LABEL, IssuerPeer, issuer_args
from demo.peer_verifier import VERIFIER_ARGS, VERIFIER_LABEL, VerifierPeer
from demo.peers import DidWebHostProcess, start_didweb_host

BENCH_CRED_DEF_TAG = "bench"
PROOF_CRED_DEF_TAG = "bench-proofs"


@dataclass
class Peers:
    host: DidWebHostProcess
    issuer: IssuerPeer
    verifier: VerifierPeer
    cred_def_id: str  # no revocation: cheap to issue by the hundred
    proof_cred_def_id: str  # what the timed proof requests ask for

    async def stop(self) -> None:
        await asyncio.gather(self.issuer.stop(), self.verifier.stop(), return_exceptions=True)
        await self.host.stop()


async def start_peers(base: Path, hooks: HookBoard) -> Peers:
    host = await start_didweb_host(base / "didweb")
    slug = ISSUER_LABEL.lower().replace(" ", "-")
    issuer_flags = [*issuer_args(host, slug), "--webhook-url", hooks.url("issuer")]
    verifier_flags = [*VERIFIER_ARGS, "--webhook-url", hooks.url("verifier")]
    issuer, verifier = await asyncio.gather(
        IssuerPeer.start(ISSUER_LABEL, base, issuer_flags, env=host.agent_env),
        VerifierPeer.start(VERIFIER_LABEL, base, verifier_flags, env=host.agent_env),
    )
    issuer.publish_dir = host.root / "issuers" / slug / "anoncreds"
    await issuer.prepare(host, slug)
    many = await _bench_cred_def(issuer, BENCH_CRED_DEF_TAG)
    return Peers(host, issuer, verifier, many, await _bench_cred_def(issuer, PROOF_CRED_DEF_TAG))


async def _bench_cred_def(issuer: IssuerPeer, tag: str) -> str:
    body = {
        "credential_definition": {
            "issuerId": issuer.didweb_did,
            "schemaId": issuer.schema_id,
            "tag": tag,
        },
        "options": {"support_revocation": False},
    }
    result = await issuer.call("POST", "/anoncreds/credential-definition", body)
    state = result["credential_definition_state"]
    if state.get("state") != "finished":
        raise RuntimeError(f"the bench credential definition was not made: {state}")
    return str(state["credential_definition_id"])
