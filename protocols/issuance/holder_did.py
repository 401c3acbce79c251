"""The learner's DID that becomes the subject of one W3C credential: a new one each time.

ACA-Py signs later presentations with the subject DID's key, so the key type must suit the
proof: Ed25519 signatures need an ed25519 did:key, BBS+ selective disclosure a bls12381g2 one.
A DID made for each credential means two credentials shown to two verifiers share no
subject id: they cannot be linked by it (DESIGN: unlinkable by default).
"""

from __future__ import annotations

from agent.admin_client import AdminClient
from agent.admin_models import DidCreateRequest

KEY_TYPE_BY_PROOF = {
    "Ed25519Signature2020": "ed25519",
    "Ed25519Signature2018": "ed25519",
    "BbsBlsSignature2020": "bls12381g2",
}


class HolderDidError(Exception):
    """No DID of the learner suits the offered proof type; the message says why."""


def key_type_for_proof(proof_type: str | None) -> str:
    """The key type a subject DID needs for `proof_type` (Ed25519 when the offer names none)."""
    key_type = KEY_TYPE_BY_PROOF.get(proof_type or "Ed25519Signature2020")
    if key_type is None:
        known = ", ".join(sorted(KEY_TYPE_BY_PROOF))
        raise HolderDidError(
            f"this wallet cannot hold credentials signed with {proof_type}; it supports {known}"
        )
    return key_type


async def new_holder_did(client: AdminClient, proof_type: str | None) -> str:
    """A did:key made for one credential, of the key type its proof needs."""
    key_type = key_type_for_proof(proof_type)
    request = DidCreateRequest(method="key", options={"key_type": key_type})
    return (await client.create_did(request)).did
