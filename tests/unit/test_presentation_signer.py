"""A presentation of credentials without a subject DID gets a fresh did:key as its signer,
of the key type ACA-Py's proof needs; others are left as they are."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from agent.admin_client import AdminClient
from protocols.consent import build_prompt
from protocols.consent.presentation import default_decision, presentation_body
from protocols.presentation.signer import sign_with_fresh_did
from tests.unit.fake_admin import ADMIN_KEY
from tests.unit.offer_fakes import FakeHolderAdmin
from tests.unit.test_consent_fixtures import (
    NOW,
    TRUST,
    dif_request,
    exchange_record,
    w3c_credential,
)


@pytest.fixture
async def admin() -> AsyncIterator[tuple[FakeHolderAdmin, AdminClient]]:
    fake = FakeHolderAdmin()
    await fake.start()
    client = AdminClient(fake.url, ADMIN_KEY)
    yield fake, client
    await client.close()
    await fake.close()


def _body_for(request: dict[str, Any], vc: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
    prompt = build_prompt(exchange_record({"dif": request}), [vc], TRUST, "Acme", now=NOW)
    decision = default_decision(prompt)
    return prompt, decision, presentation_body(prompt, decision)


@pytest.mark.parametrize(
    ("limit", "proof_types", "key_type"),
    [
        (None, ["Ed25519Signature2018"], "ed25519"),
        ("required", ["BbsBlsSignature2020"], "bls12381g2"),
    ],
)
async def test_no_subject_did_gets_a_fresh_signer_of_the_proofs_key_type(
    admin: tuple[FakeHolderAdmin, AdminClient],
    limit: str | None,
    proof_types: list[str],
    key_type: str,
) -> None:
    fake, client = admin
    vc = w3c_credential("vc-1", proof_types[0])
    del vc["credentialSubject"]["id"]
    prompt, decision, body = _body_for(dif_request(limit, proof_types), vc)
    await sign_with_fresh_did(client, prompt, decision, body)
    assert fake.created_dids == [{"method": "key", "options": {"key_type": key_type}}]
    assert body["dif"]["issuer_id"] == fake.dids[-1]["did"]


async def test_a_credential_bound_to_the_learner_is_signed_by_its_subject(
    admin: tuple[FakeHolderAdmin, AdminClient],
) -> None:
    fake, client = admin
    prompt, decision, body = _body_for(dif_request(), w3c_credential("vc-1"))
    await sign_with_fresh_did(client, prompt, decision, body)
    assert fake.created_dids == [] and "issuer_id" not in body["dif"]


async def test_a_subject_whose_key_does_not_suit_the_proof_gives_way_to_a_fresh_signer(
    admin: tuple[FakeHolderAdmin, AdminClient],
) -> None:
    """ACA-Py signs with Ed25519Signature2018 when the verifier lists it first; a BBS+
    credential's subject has a BLS key, which cannot make that signature."""
    fake, client = admin
    request = dif_request(None, ["Ed25519Signature2018", "BbsBlsSignature2020"])
    prompt, decision, body = _body_for(request, w3c_credential("vc-1"))
    assert prompt.signing_key_type == "ed25519" and "issuer_id" not in body["dif"]
    await sign_with_fresh_did(client, prompt, decision, body)
    assert fake.created_dids == [{"method": "key", "options": {"key_type": "ed25519"}}]
    assert body["dif"]["issuer_id"] == fake.dids[-1]["did"]
