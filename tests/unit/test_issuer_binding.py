"""Which issuers the wallet knows to accept a bound credential request (issuance/binding.py):
the trust list says so, or a credential of theirs held by the wallet has a DID subject."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aries_askar import Store

from protocols.consent import TrustEntry, TrustList
from protocols.issuance.binding import issuer_binds
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import StoredCredential

LISTED = "did:web:university.example"
HELD_BOUND = "did:key:z6MkIssuerThatBound"
HELD_UNBOUND = "did:key:z6MkIssuerOfUnboundOnes"


@pytest.fixture
async def index(tmp_path: Path) -> AsyncIterator[CredentialIndex]:
    store = await Store.provision(f"sqlite://{tmp_path}/index.db", "raw", Store.generate_raw_key())
    yield CredentialIndex(store)
    await store.close()


def held(number: int, issuer: str, attributes: dict[str, str]) -> StoredCredential:
    return StoredCredential(
        id=f"w3c:{number}",
        format="w3c",
        title="Course",
        issuer_did=issuer,
        status="valid",
        attributes=attributes,
    )


async def test_known_by_the_trust_list_or_by_a_bound_credential_held(
    index: CredentialIndex,
) -> None:
    trust = TrustList(
        entries=[
            TrustEntry(did=LISTED, name="University", binds_holder=True),
            TrustEntry(did="did:web:trusted.example", name="Trusted, binding not said"),
        ]
    )
    await index.put(held(1, HELD_BOUND, {"id": "did:key:z6MkLearner", "course": "Maths"}))
    await index.put(held(2, HELD_UNBOUND, {"course": "Art"}))
    binds = issuer_binds(trust, lambda: index)
    assert await binds(LISTED)
    assert await binds(HELD_BOUND)
    assert not await binds(HELD_UNBOUND)  # it issued, but nothing says it binds
    assert not await binds("did:web:trusted.example")
    assert not await binds("did:key:z6MkNeverSeen")


async def test_before_the_credential_index_is_up_only_the_trust_list_counts() -> None:
    trust = TrustList(entries=[TrustEntry(did=LISTED, name="University", binds_holder=True)])
    binds = issuer_binds(trust, lambda: None)
    assert await binds(LISTED) and not await binds(HELD_BOUND)
