"""The learner's DIDs: what uses each, making new ones, and clear refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from agent.admin_client import AdminClient
from agent.connection_cache import ConnectionCache
from tests.unit.fake_admin import ADMIN_KEY
from tests.unit.offer_fakes import FakeHolderAdmin
from wallet.dids import (
    DidCreationError,
    NewDid,
    create_wallet_did,
    did_method,
    list_wallet_dids,
    same_did,
)
from wallet.wallet_key import WalletRecord

ED = "did:key:z6MkLearner"
BLS = "did:key:zUC7Learner"
PEER_SHORT = "did:peer:4zQmConn"
PEER_LONG = "did:peer:4zQmConn:z2LongDocument"
RECORD = WalletRecord(
    wallet_name="w",
    key_storage="keyring",
    created=datetime.now(UTC),
    subject_dids={"ed25519": ED, "bls12381g2": BLS},
)


def info(did: str, method: str, key_type: str = "ed25519") -> dict[str, str]:
    return {"did": did, "verkey": f"v-{did[-4:]}", "method": method, "key_type": key_type}


@pytest.fixture
async def admin() -> AsyncIterator[FakeHolderAdmin]:
    fake = FakeHolderAdmin()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def client(admin: FakeHolderAdmin) -> AsyncIterator[AdminClient]:
    async with AdminClient(admin.url, ADMIN_KEY) as client:
        yield client


async def test_list_shows_subjects_connections_and_credentials(admin, client) -> None:
    admin.dids += [
        info(PEER_SHORT, "did:peer:4"),
        info(PEER_LONG, "did:peer:4"),
        info("did:peer:4zQmMade:z2Doc", "did:peer:4"),  # made by /wallet/did/create: long only
        info("7XqTn3Rz", "sov"),
        info(BLS, "key", "bls12381g2"),
        info(ED, "key"),
    ]
    admin.connections.append(
        {"connection_id": "c1", "their_label": "Open Learning", "my_did": PEER_LONG}
    )
    admin.w3c.append(
        {"record_id": "vc1", "cred_value": {"name": "Data Literacy"}, "subject_ids": [ED]}
    )
    dids = await list_wallet_dids(client, RECORD)
    assert [d.did for d in dids] == [ED, BLS, PEER_SHORT, "did:peer:4zQmMade", "7XqTn3Rz"]
    by_did = {d.did: d for d in dids}
    assert [u.kind for u in by_did[ED].uses] == ["w3c_subject", "credential"]
    assert by_did[ED].uses[1].ref == "vc1" and "Data Literacy" in by_did[ED].uses[1].description
    assert by_did[BLS].uses[0].description == "subject of earlier W3C credentials (bls12381g2)"
    peer = by_did[PEER_SHORT]
    assert (peer.method, peer.long_form) == ("peer", PEER_LONG)
    assert [(u.kind, u.ref) for u in peer.uses] == [("connection", "c1")]
    assert peer.uses[0].description == "connection with Open Learning"
    named = ConnectionCache(client)
    named.set_name("c1", "My college")  # the learner renamed the connection
    renamed = {d.did: d for d in await list_wallet_dids(client, RECORD, named)}
    assert renamed[PEER_SHORT].uses[0].description == "connection with My college"
    assert by_did["did:peer:4zQmMade"].long_form == "did:peer:4zQmMade:z2Doc"
    assert by_did["7XqTn3Rz"].method == "sov" and by_did["7XqTn3Rz"].uses == []


@pytest.mark.parametrize("key_type", ["ed25519", "bls12381g2"])
async def test_create_did_key_of_each_key_type(admin, client, key_type) -> None:
    did = await create_wallet_did(client, NewDid(method="key", key_type=key_type))
    assert admin.created_dids == [{"method": "key", "options": {"key_type": key_type}}]
    assert (did.method, did.key_type) == ("key", key_type)


async def test_create_did_peer_uses_acapys_prefix_and_shows_the_short_form(admin, client) -> None:
    did = await create_wallet_did(client, NewDid(method="peer"))
    assert admin.created_dids == [{"method": "did:peer:4", "options": {"key_type": "ed25519"}}]
    assert (did.did, did.long_form, did.method) == (
        "did:peer:4zQmNew",
        "did:peer:4zQmNew:zLongForm",
        "peer",
    )


async def test_did_peer_with_a_bbs_key_is_refused_before_acapy_is_asked(admin, client) -> None:
    with pytest.raises(DidCreationError, match="ed25519 keys only"):
        await create_wallet_did(client, NewDid(method="peer", key_type="bls12381g2"))
    assert admin.created_dids == []


def test_did_helpers() -> None:
    assert [did_method(d) for d in (ED, PEER_SHORT, "7XqTn3Rz", "did:web:x")] == [
        "key",
        "peer",
        "sov",
        "web",
    ]
    assert same_did(PEER_SHORT, PEER_LONG) and same_did(PEER_LONG, PEER_SHORT)
    assert not same_did(PEER_SHORT, "did:peer:4zQmOther") and not same_did(ED, BLS)


async def test_many_credential_dids_each_show_their_own_credential(admin, client) -> None:
    """A DID per credential: past a few (FEW_KEYS), the page lists the credentials once
    and gives each DID its own."""
    keys = [f"did:key:z6MkCredential{n}" for n in range(12)]
    admin.dids += [info(did, "key") for did in keys]
    admin.w3c += [
        {"record_id": f"vc{n}", "cred_value": {"name": f"Course {n}"}, "subject_ids": [did]}
        for n, did in enumerate(keys)
    ]
    dids = {d.did: d for d in await list_wallet_dids(client, RECORD)}
    for n, did in enumerate(keys):
        assert [(u.kind, u.ref) for u in dids[did].uses] == [("credential", f"vc{n}")]
        assert f"Course {n}" in dids[did].uses[0].description
