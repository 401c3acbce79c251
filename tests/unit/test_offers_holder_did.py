"""Which subject DID an ld_proof credential is bound to, by the offered proof type."""

from __future__ import annotations

import pytest

from agent.admin_models import DidInfo
from protocols.issuance.holder_did import HolderDidError, choose_holder_did, key_type_for_proof

SUBJECTS = {"ed25519": "did:key:z6MkEd", "bls12381g2": "did:key:zUC7Bls"}


@pytest.mark.parametrize(
    ("proof_type", "expected"),
    [
        ("Ed25519Signature2020", "did:key:z6MkEd"),
        ("Ed25519Signature2018", "did:key:z6MkEd"),
        ("BbsBlsSignature2020", "did:key:zUC7Bls"),
        (None, "did:key:z6MkEd"),
    ],
)
def test_proof_type_picks_the_subject_did_of_its_key_type(proof_type, expected) -> None:
    assert choose_holder_did(proof_type, SUBJECTS) == expected


def test_without_a_subject_did_any_did_key_of_the_key_type_serves() -> None:
    wallet = [
        DidInfo(did="did:peer:4zQm", verkey="v", method="did:peer:4", key_type="ed25519"),
        DidInfo(did="did:key:zUC7Other", verkey="v", method="key", key_type="bls12381g2"),
    ]
    chosen = choose_holder_did("BbsBlsSignature2020", {"ed25519": "did:key:z6MkEd"}, wallet)
    assert chosen == "did:key:zUC7Other"


def test_missing_key_type_says_how_to_make_one() -> None:
    with pytest.raises(HolderDidError, match=r'POST /api/dids.*"key_type": "bls12381g2"'):
        choose_holder_did("BbsBlsSignature2020", {"ed25519": "did:key:z6MkEd"}, [])


def test_unknown_proof_type_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(HolderDidError, match=r"EcdsaSecp256r1Signature2019.*BbsBlsSignature2020"):
        key_type_for_proof("EcdsaSecp256r1Signature2019")
