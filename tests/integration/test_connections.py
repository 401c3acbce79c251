"""Issue #3 against real peers: the learner's wallet accepts invitations and shows its own.

The learner is the real `learner-wallet start`; the issuer is a real ACA-Py (demo/peers).
Calls to the learner's API run in a thread so the test's event loop stays free.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import base58
import pytest

from agent.ports import free_port
from demo.peers import IssuerPeer, decode_invitation, invitation_msg_id, poll_until
from tests.integration.wallet_cli import WalletCli

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
    assert shown["their_did"] == theirs["my_did"]
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
    assert (shown["label"], shown["their_did"]) == (issuer.label, theirs["my_did"])
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
        (_with_endpoint(url, "ws://127.0.0.1:8030"), 422, "unsupported_transport"),
    ]
    for invitation, status, error_code in cases:
        code, body = await call(learner, "POST", "/api/connections", {"invitation": invitation})
        assert (code, body["error"]["code"]) == (status, error_code), body
        assert body["error"]["message"] and body["error"]["hint"]
    code, body = await call(learner, "POST", "/api/connections", {"nothing": 1})
    assert code == 422 and body["error"]["code"] == "invalid_body"
    assert await connection_ids(learner) == set()

    result = await asyncio.to_thread(
        learner.run, "connect", json.dumps(_with_endpoint(url, f"http://127.0.0.1:{free_port()}"))
    )
    assert result.returncode == 1
    assert "error: nobody answers at the inviter's endpoint" in result.stderr
    assert "hint: " in result.stderr


async def test_issuer_connects_to_the_learners_own_invitation(
    learner: WalletCli, issuer: IssuerPeer
) -> None:
    code, own = await call(learner, "GET", "/api/invitation")
    assert code == 200, own
    assert own["qr_svg"].startswith("<svg") and "<script" not in own["qr_svg"]
    assert "href" not in own["qr_svg"]
    assert decode_invitation(own["url"]) == own["invitation"]
    oob = await issuer.receive_invitation(own["invitation"])

    async def learner_sees_issuer() -> dict[str, Any] | None:
        code, body = await call(learner, "GET", "/api/connections")
        active = [c for c in body["connections"] if c["state"] == "active"]
        return active[0] if code == 200 and active else None

    mine = await poll_until("the learner's side to be active", learner_sees_issuer)
    assert mine["label"] == issuer.label

    theirs = await issuer.wait_own_connection_active(oob["connection_id"])
    assert theirs["my_did"] == mine["their_did"]
