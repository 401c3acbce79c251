"""The peers both holders meet: the demo's issuer and verifier, reporting to the bench.

They are the same code the demo and the integration tests run (`demo/peers.py`); the bench
only adds a `--webhook-url` so the end of every flow is pushed, not polled, and registers
one credential definition without revocation for the many credentials it issues.
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


@dataclass
class Peers:
    host: DidWebHostProcess
    issuer: IssuerPeer
    verifier: VerifierPeer
    cred_def_id: str  # no revocation: cheap to issue by the hundred

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
    return Peers(host, issuer, verifier, await _bench_cred_def(issuer))


async def _bench_cred_def(issuer: IssuerPeer) -> str:
    body = {
        "credential_definition": {
            "issuerId": issuer.didweb_did,
            "schemaId": issuer.schema_id,
            "tag": BENCH_CRED_DEF_TAG,
        },
        "options": {"support_revocation": False},
    }
    result = await issuer.call("POST", "/anoncreds/credential-definition", body)
    state = result["credential_definition_state"]
    if state.get("state") != "finished":
        raise RuntimeError(f"the bench credential definition was not made: {state}")
    return str(state["credential_definition_id"])
