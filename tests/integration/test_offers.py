"""Credential offers at the real wallet (`learner-wallet start`) from the real issuer peer.

Each W3C kind (Ed25519 micro-credential, BBS micro-credential, Open Badges 3.0) and the
did:web AnonCreds course result is offered, shown with issuer, type and values, accepted,
and stored; declining reaches the issuer. The learner is driven only through its JSON API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import pytest
import pytest_asyncio

from demo.peers import (
    COURSE_ATTRIBUTES,
    ISSUER_LABEL,
    SAMPLE_BADGE,
    SAMPLE_MICROCREDENTIAL,
    DidWebHostProcess,
    IssuerPeer,
    LdKind,
    poll_until,
)
from tests.integration.conftest import start_binding_learner
from tests.integration.proof_peers import api, api_ok, connect
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
DEADLINE = 60.0
COURSE = dict(
    zip(COURSE_ATTRIBUTES, ("Data Literacy", "OLI", "87", "2025-06-30", "Ada"), strict=True)
)
EXPECTED: dict[str, dict[str, Any]] = {
    "ed25519": {
        "format": "ld_proof",
        "proof_type": "Ed25519Signature2020",
        "type": "MicroCredential",
    },
    "bbs": {"format": "ld_proof", "proof_type": "BbsBlsSignature2020", "type": "MicroCredential"},
    "openbadge": {
        "format": "ld_proof",
        "proof_type": "Ed25519Signature2020",
        "type": "OpenBadgeCredential",
    },
    "anoncreds": {"format": "anoncreds", "proof_type": None, "type": None},
}


class Learner:
    """The module's wallet and its connection to the issuer."""

    def __init__(self, cli: WalletCli, connection_id: str) -> None:
        self.cli = cli
        self.connection_id = connection_id


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def wallet(
    tmp_path_factory: pytest.TempPathFactory, didweb_host: DidWebHostProcess, issuer: IssuerPeer
) -> AsyncIterator[Learner]:
    cli = await asyncio.to_thread(
        start_binding_learner, tmp_path_factory.mktemp("offers") / "w", didweb_host, issuer
    )
    try:
        yield Learner(cli, await connect(cli, issuer))
    finally:
        await asyncio.to_thread(cli.kill)


async def offer(issuer: IssuerPeer, connection_id: str, kind: str) -> str:
    """Have the issuer offer one credential of `kind`; the issuer's cred_ex_id."""
    if kind == "anoncreds":
        return await issuer.offer_anoncreds(connection_id, COURSE)
    subject = SAMPLE_BADGE if kind == "openbadge" else SAMPLE_MICROCREDENTIAL
    ld_kind: LdKind = kind  # type: ignore[assignment]
    return await issuer.offer_ld_credential(connection_id, ld_kind, subject)


async def shown_offer(cli: WalletCli, issuer: IssuerPeer, cred_ex_id: str) -> dict[str, Any]:
    """The learner's offer on the same thread as the issuer's exchange."""
    thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]

    async def listed() -> dict[str, Any] | None:
        offers = (await api_ok(cli, "GET", "/api/offers"))["offers"]
        return next((o for o in offers if o["thread_id"] == thread_id), None)

    return await poll_until(f"the offer on thread {thread_id} in /api/offers", listed, DEADLINE)


async def offer_in_state(cli: WalletCli, offer_id: str, *states: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        current = await api_ok(cli, "GET", f"/api/offers/{offer_id}")
        return current if current["state"] in states else None

    return await poll_until(f"offer {offer_id} to be {'/'.join(states)}", reached, DEADLINE)


@pytest.mark.parametrize("kind", ["ed25519", "bbs", "openbadge", "anoncreds"])
async def test_offer_is_shown_accepted_and_stored(
    wallet: Learner, issuer: IssuerPeer, kind: str
) -> None:
    cred_ex_id = await offer(issuer, wallet.connection_id, kind)
    shown = await shown_offer(wallet.cli, issuer, cred_ex_id)
    expected = EXPECTED[kind]
    assert shown["state"] == "pending"
    assert shown["issuer_label"] == ISSUER_LABEL
    assert (shown["format"], shown["proof_type"]) == (expected["format"], expected["proof_type"])
    values = {v["name"]: v["value"] for v in shown["values"]}
    if kind == "anoncreds":
        assert shown["issuer_did"] == issuer.didweb_did
        assert (shown["cred_def_id"], shown["schema_id"]) == (issuer.cred_def_id, issuer.schema_id)
        assert shown["title"] == "Course result"
        assert values == COURSE
    else:
        assert shown["issuer_did"] == issuer.ld_issuer_did(kind)  # type: ignore[arg-type]
        assert expected["type"] in shown["types"]
        assert shown["title"] == "Data Literacy Foundations"
    if kind == "openbadge":
        assert values["achievement.name"] == "Data Literacy Foundations"
    elif kind != "anoncreds":
        assert values["courseTitle"] == "Data Literacy Foundations" and values["score"] == 87

    accepted = await api_ok(wallet.cli, "POST", f"/api/offers/{shown['id']}/accept")
    assert accepted["state"] in ("accepted", "done")
    done = await offer_in_state(wallet.cli, shown["id"], "done", "failed")
    assert done["state"] == "done", done["failure"]
    assert done["credential_id"] and done["failure"] is None
    issued = await issuer.wait_state("credential", cred_ex_id, ["done", "credential-issued"])
    assert issued["cred_ex_record"]["state"] in ("done", "credential-issued")

    if kind == "anoncreds":
        assert done["holder_did"] is None
    else:
        # A did:key of the proof's key type, made for this credential and used by it alone.
        key_type = "bls12381g2" if kind == "bbs" else "ed25519"
        dids = {d["did"]: d for d in (await api_ok(wallet.cli, "GET", "/api/dids"))["dids"]}
        subject = dids[done["holder_did"]]
        assert (subject["method"], subject["key_type"]) == ("key", key_type)
        assert [u["ref"] for u in subject["uses"]] == [done["credential_id"].partition(":")[2]]
    prefix = "anoncreds" if kind == "anoncreds" else "w3c"
    assert done["credential_id"].startswith(f"{prefix}:"), "the id /api/credentials uses"
    path = f"/api/credentials/{quote(done['credential_id'], safe='')}"

    async def in_credentials() -> Any:
        code, body = await api(wallet.cli, "GET", path)
        return body if code == 200 else None

    await poll_until(f"{path} to list the stored credential", in_credentials, DEADLINE)


async def test_accepting_a_done_offer_is_409_and_an_unknown_one_404(
    wallet: Learner, issuer: IssuerPeer
) -> None:
    cred_ex_id = await offer(issuer, wallet.connection_id, "ed25519")
    shown = await shown_offer(wallet.cli, issuer, cred_ex_id)
    await api_ok(wallet.cli, "POST", f"/api/offers/{shown['id']}/accept")
    await offer_in_state(wallet.cli, shown["id"], "done")
    code, body = await api(wallet.cli, "POST", f"/api/offers/{shown['id']}/accept")
    assert (code, body["error"]["code"]) == (409, "offer_not_pending")
    code, body = await api(
        wallet.cli, "POST", f"/api/offers/{shown['id']}/decline", {"reason": "x"}
    )
    assert code == 409
    code, body = await api(wallet.cli, "POST", "/api/offers/no-such-offer/accept")
    assert (code, body["error"]["code"]) == (404, "offer_not_found")


async def test_decline_abandons_the_exchange_at_the_issuer(
    wallet: Learner, issuer: IssuerPeer
) -> None:
    cred_ex_id = await offer(issuer, wallet.connection_id, "anoncreds")
    shown = await shown_offer(wallet.cli, issuer, cred_ex_id)
    reason = "this is not my course"
    declined = await api_ok(
        wallet.cli, "POST", f"/api/offers/{shown['id']}/decline", {"reason": reason}
    )
    assert (declined["state"], declined["decline_reason"]) == ("declined", reason)
    at_issuer = await issuer.wait_state("credential", cred_ex_id, ["abandoned"])
    assert reason in (at_issuer["cred_ex_record"].get("error_msg") or "")
    listed = (await api_ok(wallet.cli, "GET", "/api/offers?state=declined"))["offers"]
    assert shown["id"] in [o["id"] for o in listed]


async def test_an_unknown_issuers_ed25519_offer_is_requested_as_offered(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    """Nothing says this issuer binds, so its Ed25519 credential comes as offered, with no
    subject id; a BBS+ one is always bound (issuance/binding.py). What is known is known per
    issuer DID: the bound BBS+ credential says nothing of the issuer's Ed25519 DID."""
    connection_id = await connect(learner, issuer)

    async def accepted(kind: str) -> dict[str, Any]:
        shown = await shown_offer(learner, issuer, await offer(issuer, connection_id, kind))
        await api_ok(learner, "POST", f"/api/offers/{shown['id']}/accept")
        done = await offer_in_state(learner, shown["id"], "done", "failed")
        assert done["state"] == "done", done["failure"]
        return done

    first = await accepted("ed25519")
    assert first["holder_did"] is None and first["subject_id"] is None
    path = f"/api/credentials/{quote(first['credential_id'], safe='')}"
    stored = await api_ok(learner, "GET", path)
    assert "id" not in stored["attributes"], stored["attributes"]

    bbs = await accepted("bbs")
    assert bbs["holder_did"] and bbs["holder_did"].startswith("did:key:")
    # The BBS+ credential comes from another of the issuer's DIDs: still unknown for Ed25519.
    assert (await accepted("ed25519"))["holder_did"] is None
