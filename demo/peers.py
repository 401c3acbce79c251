"""The peers a learner meets, for tests and the demo: issuer, verifier, mediator, did:web host.

Each factory starts a real ACA-Py on free loopback ports through `AcaPyProcess`; stop each
with `await peer.stop()` (by its process handle).
"""

from __future__ import annotations

from pathlib import Path

from demo.peer_agent import (
    DIDEXCHANGE_1_1,
    PeerAgent,
    decode_invitation,
    invitation_msg_id,
    poll_until,
)
from demo.peer_credentials import SAMPLE_BADGE, SAMPLE_MICROCREDENTIAL, LdKind
from demo.peer_didweb import DidWebHostProcess
from demo.peer_issuer import COURSE_ATTRIBUTES, ISSUER_LABEL, IssuerPeer, start_issuer
from demo.peer_verifier import VERIFIER_LABEL, VerifierPeer, non_revoked_now, start_verifier

MEDIATOR_LABEL = "Campus Mediator"
MEDIATOR_ARGS = ("--open-mediation", "--auto-accept-requests", "--preserve-exchange-records")

__all__ = [
    "COURSE_ATTRIBUTES",
    "DIDEXCHANGE_1_1",
    "ISSUER_LABEL",
    "MEDIATOR_LABEL",
    "SAMPLE_BADGE",
    "SAMPLE_MICROCREDENTIAL",
    "VERIFIER_LABEL",
    "DidWebHostProcess",
    "IssuerPeer",
    "LdKind",
    "PeerAgent",
    "VerifierPeer",
    "decode_invitation",
    "invitation_msg_id",
    "non_revoked_now",
    "poll_until",
    "start_didweb_host",
    "start_issuer",
    "start_mediator",
    "start_verifier",
]


async def start_didweb_host(base_dir: Path) -> DidWebHostProcess:
    """The HTTPS did:web host (its own process) that issuers publish into."""
    return await DidWebHostProcess.start(base_dir)


async def start_mediator(base_dir: Path, label: str = MEDIATOR_LABEL) -> PeerAgent:
    """A mediator that grants mediation to anyone who connects (RFC 0211)."""
    return await PeerAgent.start(label, base_dir, MEDIATOR_ARGS)
