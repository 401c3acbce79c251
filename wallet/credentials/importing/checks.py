"""What can be refused before ACA-Py is asked: no proof, a proof kind it cannot verify, a
signer it could only find over the network, a context we do not bundle.

Checking these first keeps the network out of it (ACA-Py would fetch a did:web document
to verify, telling the issuer's host what the learner imports) and names the reason
plainly, where ACA-Py says only "Could not expand input".
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from wallet.credentials.importing.files import types_of
from wallet.credentials.importing.refusals import ImportRefused

# The linked-data suites ACA-Py 1.7's `/vc/credentials/verify` checks (vc_ld).
VERIFIABLE_PROOFS = frozenset(
    {
        "Ed25519Signature2018",
        "Ed25519Signature2020",
        "EcdsaSecp256r1Signature2019",
        "BbsBlsSignature2020",
        "BbsBlsSignatureProof2020",
    }
)
# DID methods ACA-Py resolves from the identifier itself, without any network.
OFFLINE_DID_METHODS = ("did:key:", "did:jwk:", "did:peer:2", "did:peer:4")
MAX_ID_CHARS = 240  # our ids are `w3c:<id>`, at most 256 characters


def check_before_verifying(document: dict[str, Any], known_contexts: Set[str] | None) -> None:
    """Raise ImportRefused for what ACA-Py cannot verify offline; `known_contexts` None
    when the agent could not say which it bundles (ACA-Py's verification decides then)."""
    if "VerifiableCredential" not in types_of(document):
        raise ImportRefused("not_credential", "type does not include VerifiableCredential")
    if not document.get("issuer") or not document.get("credentialSubject"):
        raise ImportRefused("not_credential", "no issuer or no credentialSubject")
    given_id = document.get("id")
    if given_id is not None and (not isinstance(given_id, str) or len(given_id) > MAX_ID_CHARS):
        raise ImportRefused("id_too_long", f"the id has more than {MAX_ID_CHARS} characters")
    proofs = proofs_of(document)
    if not proofs:
        raise ImportRefused("no_proof", "the credential has no proof")
    kinds = sorted({str(proof.get("type")) for proof in proofs})
    if not any(kind in VERIFIABLE_PROOFS for kind in kinds):
        cryptosuites = {str(p["cryptosuite"]) for p in proofs if p.get("cryptosuite")}
        named = ", ".join(kinds + sorted(cryptosuites))
        raise ImportRefused("unsupported_proof", f"proof type {named}")
    for proof in proofs:
        if proof.get("type") in VERIFIABLE_PROOFS:
            _check_signer(proof)
    if known_contexts is not None:
        missing = [url for url in context_urls(document) if url not in known_contexts]
        if missing:
            raise ImportRefused("unknown_vocabulary", f"context not bundled: {', '.join(missing)}")


def _check_signer(proof: dict[str, Any]) -> None:
    method = proof.get("verificationMethod")
    method = method.get("id") if isinstance(method, dict) else method
    if not isinstance(method, str) or not method:
        raise ImportRefused("no_proof", "the proof names no verification method")
    if not method.startswith(OFFLINE_DID_METHODS):
        scheme = method.split("#", 1)[0]
        scheme = ":".join(scheme.split(":")[:2]) if scheme.startswith("did:") else scheme
        raise ImportRefused("key_not_offline", f"signing key at {scheme[:80]}")


def proofs_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [item for item in proofs if isinstance(item, dict)]


def context_urls(document: dict[str, Any]) -> list[str]:
    """The contexts named by URL (embedded context objects need nothing loaded)."""
    contexts = document.get("@context")
    values = contexts if isinstance(contexts, list) else [contexts]
    return [value for value in values if isinstance(value, str)]


def proof_values(document: dict[str, Any]) -> set[str]:
    """The signatures themselves: equal ones mean the same signed credential."""
    values: set[str] = set()
    for proof in proofs_of(document):
        for key in ("proofValue", "jws"):
            if isinstance(proof.get(key), str) and proof[key]:
                values.add(proof[key])
    return values
