"""A DIF schema URI matches a candidate whose type is written as that full IRI.

ACA-Py's candidates route omits expanded types, so the consent engine compares written
types; Credo's PEX matches schema URIs only to types as written, so a request both stacks
answer names a type written as its full IRI (tests/integration/test_credo_peer.py).
"""

from __future__ import annotations

from protocols.consent.credentials import W3CCandidate
from protocols.consent.dif_match import matches_schema
from protocols.consent.request import InputDescriptor

IRI = "https://learner-wallet.example/vocab/microcredential#MicroCredential"


def candidate(*types: str) -> W3CCandidate:
    return W3CCandidate(record_id="r1", credential={"type": ["VerifiableCredential", *types]})


def descriptor(uri: str) -> InputDescriptor:
    return InputDescriptor.model_validate({"id": "course", "schema": [{"uri": uri}]})


def test_a_type_written_as_the_full_iri_matches() -> None:
    assert matches_schema(descriptor(IRI), candidate(IRI))


def test_a_short_type_still_matches_by_its_last_word() -> None:
    assert matches_schema(descriptor(IRI), candidate("MicroCredential"))


def test_another_type_does_not_match() -> None:
    assert not matches_schema(descriptor(IRI), candidate("https://example.org/vocab#Other"))
