"""Issue #3 against real peers: the learner's wallet accepts invitations and shows its own.

The learner is the real `learner-wallet start`; the issuer is a real ACA-Py (demo/peers).
Calls to the learner's API run in a thread so the test's event loop stays free.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import base58
import pytest

from agent.ports import free_port
from demo.peers import (
    DidWebHostProcess,
    IssuerPeer,
    decode_invitation,
    invitation_msg_id,
    poll_until,
)
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import learner_admin, same_did
from tests.integration.wallet_cli import WalletCli
from tests.unit.test_plain_words import code_words

pytestmark = pytest.mark.integration


async def call(learner: WalletCli, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    return await asyncio.to_thread(learner.api, method, path, body)


async def learner_connection_active(learner: WalletCli, connection_id: str) -> dict[str, Any]:
    async def active() -> dict[str, Any] | None:
        code, body = await call(learner, "GET", f"/api/connections/{connection_id}")
        return body if code == 200 and body["state"] == "active" else None

    return await poll_until(f"the learner's connection {connection_id} to be active", active)


async def connection_ids(learner: WalletCli) -> set[str]:
    code, body = await call(learner, "GET", "/api/connections")
    assert code == 200, body
    return {c["id"] for c in body["connections"]}


async def test_accepting_an_invitation_url_connects_both_sides(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    url = await issuer.create_invitation()
    code, body = await call(learner, "POST", "/api/connections", {"invitation": url})
    assert code == 201, body
    assert body["reused"] is False
    assert body["invitation_id"] == invitation_msg_id(url)
    connection_id = body["connection"]["id"]
    shown = await learner_connection_active(learner, connection_id)
    theirs = await issuer.wait_connection_active(invitation_msg_id(url))
    assert shown["label"] == issuer.label
    assert same_did(shown["their_did"], theirs["my_did"])
    assert shown["created"] and shown["last_activity"]
    code, listed = await call(learner, "GET", "/api/connections")
    assert code == 200
    assert [c["id"] for c in listed["connections"] if c["label"] == issuer.label] == [connection_id]


def as_legacy_invitation(url: str) -> dict[str, Any]:
    """The inviter's out-of-band invitation in RFC 0160's shape: raw base58 keys, one endpoint.

    This is what an older agent hands out as a `?c_i=` link; the keys and endpoint are the
    real ACA-Py issuer's, so the issuer answers the learner's DID Exchange.
    """
    invitation = decode_invitation(url)
    service = invitation["services"][0]
    raw_keys = [
        base58.b58encode(base58.b58decode(key.split("#")[0][len("did:key:z") :])[2:]).decode()
        for key in service["recipientKeys"]
    ]
    return {
        "@type": "https://didcomm.org/connections/1.0/invitation",
        "@id": invitation["@id"],
        "label": invitation["label"],
        "recipientKeys": raw_keys,
        "serviceEndpoint": service["serviceEndpoint"],
    }


async def test_a_legacy_c_i_invitation_connects_through_did_exchange(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    url = await issuer.create_invitation()
    legacy = as_legacy_invitation(url)
    encoded = base64.urlsafe_b64encode(json.dumps(legacy).encode()).decode()
    link = f"{issuer.endpoint}?c_i={encoded}"
    code, body = await call(learner, "POST", "/api/connections", {"invitation": link})
    assert code == 201, body
    assert body["invitation_id"] == legacy["@id"]
    shown = await learner_connection_active(learner, body["connection"]["id"])
    theirs = await issuer.wait_connection_active(legacy["@id"])
    assert shown["label"] == issuer.label
    assert same_did(shown["their_did"], theirs["my_did"])
    assert theirs["connection_protocol"].startswith("didexchange/")


async def test_json_invitation_and_second_invitation_reuse_the_connection(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    first = decode_invitation(await issuer.create_invitation(use_did_method="did:peer:2"))
    code, body = await call(learner, "POST", "/api/connections", {"invitation": first})
    assert code == 201, body
    connection_id = body["connection"]["id"]
    await learner_connection_active(learner, connection_id)

    again = await issuer.create_invitation(use_did_method="did:peer:2")
    assert decode_invitation(again)["@id"] != first["@id"]
    code, body = await call(learner, "POST", "/api/connections", {"invitation": again})
    assert code == 200, body
    assert body["reused"] is True
    assert body["connection"]["id"] == connection_id
    assert await connection_ids(learner) == {connection_id}


async def test_cli_connect_prints_the_connection(learner: WalletCli, issuer: IssuerPeer) -> None:
    url = await issuer.create_invitation()
    result = await asyncio.to_thread(learner.run, "connect", url, "--alias", "OLI")
    assert result.returncode == 0, result.stderr
    assert "Connecting to" in result.stdout and "connection " in result.stdout
    await issuer.wait_connection_active(invitation_msg_id(url))


def _with_endpoint(url: str, endpoint: str) -> dict[str, Any]:
    invitation = decode_invitation(url)
    invitation["services"][0]["serviceEndpoint"] = endpoint
    return invitation


async def test_bad_invitations_get_clear_errors_and_create_nothing(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    url = await issuer.create_invitation()
    unknown = {**decode_invitation(url), "handshake_protocols": ["https://didcomm.org/unknown/1.0"]}
    missing = {k: v for k, v in decode_invitation(url).items() if k != "services"}
    cases: list[tuple[Any, int, str]] = [
        ("https://issuer.example/?oob=%%%", 400, "malformed_invitation"),
        ("{not json", 400, "malformed_invitation"),
        (json.dumps(missing), 400, "malformed_invitation"),
        ("x" * (64 * 1024 + 1), 413, "invitation_too_large"),
        (unknown, 422, "unsupported_protocol"),
        (_with_endpoint(url, f"http://127.0.0.1:{free_port()}"), 502, "unreachable_endpoint"),
        (_with_endpoint(url, "xmpp://127.0.0.1:8030"), 422, "unsupported_transport"),
    ]
    for invitation, status, error_code in cases:
        code, body = await call(learner, "POST", "/api/connections", {"invitation": invitation})
        assert (code, body["error"]["code"]) == (status, error_code), body
        assert body["error"]["message"] and body["error"]["hint"]
        assert not code_words(body["error"]["message"] + " " + body["error"]["hint"]), body
    code, body = await call(learner, "POST", "/api/connections", {"nothing": 1})
    assert code == 422 and body["error"]["code"] == "invalid_body"
    assert await connection_ids(learner) == set()

    result = await asyncio.to_thread(
        learner.run, "connect", json.dumps(_with_endpoint(url, f"http://127.0.0.1:{free_port()}"))
    )
    assert result.returncode == 1
    assert "error: Nobody answers at 127.0.0.1, where this invitation leads." in result.stderr
    assert "hint: " in result.stderr and "technical details: http://127.0.0.1:" in result.stderr


async def test_issuer_connects_to_the_learners_own_invitation(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    code, none = await call(learner, "GET", "/api/invitation")
    assert code == 404 and none["error"]["code"] == "no_invitation", none
    code, own = await call(learner, "POST", "/api/invitation")
    assert code == 201, own
    assert own["qr_svg"].startswith("<svg") and "<script" not in own["qr_svg"]
    assert "href" not in own["qr_svg"]
    assert decode_invitation(own["url"]) == own["invitation"]
    for method in ("POST", "GET"):  # reused while nobody answered it
        code, same = await call(learner, method, "/api/invitation")
        assert code == 200, same
        assert (same["invitation_id"], same["url"]) == (own["invitation_id"], own["url"])
        assert same["expires_at"] == own["expires_at"]
    assert await connection_ids(learner) == set()  # an unanswered invitation is nobody yet
    oob = await issuer.receive_invitation(own["invitation"])

    async def learner_sees_issuer() -> dict[str, Any] | None:
        code, body = await call(learner, "GET", "/api/connections")
        active = [c for c in body["connections"] if c["state"] == "active"]
        return active[0] if code == 200 and active else None

    mine = await poll_until("the learner's side to be active", learner_sees_issuer)
    assert mine["label"] == issuer.label

    theirs = await issuer.wait_own_connection_active(oob["connection_id"])
    assert same_did(theirs["my_did"], mine["their_did"])
    assert mine["id"] == own["connection_id"]

    # Used: a single-use invitation is gone; the next one is new.
    code, gone = await call(learner, "GET", "/api/invitation")
    assert code == 404 and gone["error"]["code"] == "no_invitation", gone
    code, fresh = await call(learner, "POST", "/api/invitation")
    assert code == 201, fresh
    assert fresh["invitation_id"] != own["invitation_id"]
    assert await connection_ids(learner) == {mine["id"]}


ACAPY_REFUSAL = "Pairwise requests must be against explicit invitations"


async def test_an_expired_invitation_is_deleted_and_a_late_answer_refused(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer
) -> None:
    learner = await asyncio.to_thread(
        start_learner, tmp_path / "learner", didweb_host, LEARNER_WALLET_INVITATION_LIFETIME="3"
    )
    try:
        code, own = await call(learner, "POST", "/api/invitation")
        assert code == 201, own
        async with learner_admin(learner) as admin:

            async def deleted() -> bool:
                # ACA-Py deletes the connection record first, then the out-of-band one.
                named = await admin.list_connections(invitation_msg_id=own["invitation_id"])
                kept = await admin.list_oob_records(invi_msg_id=own["invitation_id"])
                return not named and not kept

            # Nobody reads or makes an invitation meanwhile: the wallet deletes it by itself.
            await poll_until("the expired invitation to be deleted in ACA-Py", deleted, 30)
        code, gone = await call(learner, "GET", "/api/invitation")
        assert code == 404 and gone["error"]["code"] == "no_invitation", gone

        oob = await issuer.receive_invitation(own["invitation"])

        # ACA-Py refuses a request for an invitation it does not hold, but sends no problem
        # report to a did:peer requester (the issuer stays at `request`): its log says so.
        async def refused() -> bool:
            log = "".join(p.read_text("utf-8") for p in (learner.data_dir / "logs").glob("acapy*"))
            return ACAPY_REFUSAL in log

        await poll_until("the learner's agent to refuse the late answer", refused)
        async with learner_admin(learner) as admin:
            assert await admin.list_connections(invitation_msg_id=own["invitation_id"]) == []
        assert (await issuer.record("connection", oob["connection_id"]))["state"] != "active"
        assert await connection_ids(learner) == set()
    finally:
        await asyncio.to_thread(learner.kill)
