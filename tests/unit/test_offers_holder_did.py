"""Which key type the subject DID of an ld_proof credential needs, by the offered proof type."""

from __future__ import annotations

import pytest

from protocols.issuance.holder_did import HolderDidError, key_type_for_proof


@pytest.mark.parametrize(
    ("proof_type", "expected"),
    [
        ("Ed25519Signature2020", "ed25519"),
        ("Ed25519Signature2018", "ed25519"),
        ("BbsBlsSignature2020", "bls12381g2"),
        (None, "ed25519"),
    ],
)
def test_proof_type_picks_the_key_type(proof_type: str | None, expected: str) -> None:
    assert key_type_for_proof(proof_type) == expected


def test_unknown_proof_type_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(HolderDidError, match=r"EcdsaSecp256r1Signature2019.*BbsBlsSignature2020"):
        key_type_for_proof("EcdsaSecp256r1Signature2019")
