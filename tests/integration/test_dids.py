"""The learner's DIDs at the real wallet: what each is used for, and making new ones."""

from __future__ import annotations

from typing import Any

import pytest

from demo.peers import ISSUER_LABEL, IssuerPeer
from tests.integration.proof_peers import api, api_ok, connect
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


def by_did(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["did"]: d for d in answer["dids"]}


async def test_dids_show_their_uses_and_new_ones_can_be_made(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    # A new wallet holds no DID yet: a W3C credential gets its own when accepted.
    assert (await api_ok(learner, "GET", "/api/dids"))["dids"] == []

    await connect(learner, issuer)
    dids = by_did(await api_ok(learner, "GET", "/api/dids"))
    connection_uses = [
        (did, use) for did, d in dids.items() for use in d["uses"] if use["kind"] == "connection"
    ]
    assert connection_uses, dids
    did, use = connection_uses[0]
    assert ISSUER_LABEL in use["description"]
    assert dids[did]["method"] in ("peer", "sov")
    assert use["ref"]

    made = await api_ok(learner, "POST", "/api/dids", {"method": "key", "key_type": "bls12381g2"})
    assert made["did"].startswith("did:key:zUC") and made["key_type"] == "bls12381g2"
    peer = await api_ok(learner, "POST", "/api/dids", {"method": "peer"})
    assert peer["did"].startswith("did:peer:4") and peer["method"] == "peer"
    dids = by_did(await api_ok(learner, "GET", "/api/dids"))
    assert made["did"] in dids and dids[made["did"]]["uses"] == []
    assert peer["did"] in dids

    code, body = await api(
        learner, "POST", "/api/dids", {"method": "peer", "key_type": "bls12381g2"}
    )
    assert (code, body["error"]["code"]) == (422, "did_not_created")
    assert "ed25519 keys only" in body["error"]["detail"]
    code, body = await api(learner, "POST", "/api/dids", {"method": "sov"})
    assert (code, body["error"]["code"]) == (422, "invalid_body")
    assert len((await api_ok(learner, "GET", "/api/dids"))["dids"]) == len(dids)
