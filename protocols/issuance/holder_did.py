"""Which of the learner's DIDs becomes the subject of a W3C credential.

ACA-Py signs later presentations with the subject DID's key, so the key type must suit the
proof: Ed25519 signatures need an ed25519 did:key, BBS+ selective disclosure a bls12381g2 one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from agent.admin_models import DidInfo

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


def choose_holder_did(
    proof_type: str | None,
    subject_dids: Mapping[str, str],
    wallet_dids: Iterable[DidInfo] = (),
) -> str:
    """The wallet's subject DID for the proof's key type, else any did:key of that type."""
    key_type = key_type_for_proof(proof_type)
    if subject_dids.get(key_type):
        return subject_dids[key_type]
    for info in wallet_dids:
        if info.method == "key" and info.key_type == key_type and info.did.startswith("did:key:"):
            return info.did
    raise HolderDidError(
        f"the wallet has no {key_type} did:key to receive a {proof_type} credential; "
        f'create one with POST /api/dids {{"method": "key", "key_type": "{key_type}"}}'
    )
