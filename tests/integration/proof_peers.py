"""Steps shared by the proof tests: connect the real wallet to a peer, fill it with credentials
through the real issuer, and find the request a verifier sent (no tests in here).

The learner is always driven through its JSON API, as the UI would drive it.
"""

from __future__ import annotations

import asyncio
import html
import re
import urllib.request
from pathlib import Path
from typing import Any

from agent.admin_client import AdminClient
from demo.peers import IssuerPeer, LdKind, PeerAgent, invitation_msg_id, poll_until
from tests.integration.wallet_cli import WalletCli

DEADLINE = 60.0
COURSE = {
    "course_title": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": "87",
    "completion_date": "2025-06-30",
    "learner_name": "Ada Lovelace",
}


async def api(learner: WalletCli, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """The learner's JSON API, off the event loop (WalletCli is synchronous)."""
    return await asyncio.to_thread(learner.api, method, path, body)


async def api_ok(learner: WalletCli, method: str, path: str, body: Any = None) -> Any:
    code, answer = await api(learner, method, path, body)
    assert 200 <= code < 300, f"{method} {path}: {code} {answer}"
    return answer


async def connect(learner: WalletCli, peer: PeerAgent) -> str:
    """Connect the learner to `peer` by the peer's invitation; the peer's connection id."""
    url = await peer.create_invitation()
    await api_ok(learner, "POST", "/api/connections", {"invitation": url})
    record = await peer.wait_connection_active(invitation_msg_id(url), DEADLINE)
    return str(record["connection_id"])


def same_did(one: str | None, other: str | None) -> bool:
    """Equal DIDs, a did:peer:4 in its long or short form alike.

    ACA-Py 1.7 stores a did:peer:4 long and later short as an exchange goes on, so two
    records read at slightly different moments may hold either form.
    """

    def short(did: str | None) -> str | None:
        if did and did.startswith("did:peer:4"):
            return ":".join(did.split(":")[:3])
        return did

    return one is not None and short(one) == short(other)


def learner_admin(learner: WalletCli) -> AdminClient:
    """The learner's own ACA-Py admin API, for tests that read ACA-Py's truth directly
    (key from its environment, port from its arguments)."""
    pid = int(learner.run_facts()["acapy_pid"])
    key = learner.acapy_environ(pid)["ACAPY_ADMIN_API_KEY"]
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    port = int(args[args.index(b"--admin") + 2])
    return AdminClient(f"http://127.0.0.1:{port}", key)


async def accept_next_offer(learner: WalletCli) -> dict[str, Any]:
    """Accept the one pending offer and wait until its credential is stored."""

    async def pending() -> dict[str, Any] | None:
        offers = (await api_ok(learner, "GET", "/api/offers?state=pending"))["offers"]
        return offers[0] if offers else None

    offer = await poll_until("a pending offer at the learner", pending, DEADLINE)
    await api_ok(learner, "POST", f"/api/offers/{offer['id']}/accept")

    async def stored() -> dict[str, Any] | None:
        current = await api_ok(learner, "GET", f"/api/offers/{offer['id']}")
        assert current["state"] not in ("failed", "declined"), current
        return current if current["state"] == "done" and current["credential_id"] else None

    return await poll_until("the accepted credential to be stored", stored, DEADLINE)


async def issue_anoncreds(
    issuer: IssuerPeer, learner: WalletCli, connection_id: str, **changes: str
) -> str:
    """A "Course result" AnonCreds credential in the learner's wallet; its ACA-Py id (the
    prompt's candidate id; the offer names it `anoncreds:<id>`)."""
    await issuer.offer_anoncreds(connection_id, {**COURSE, **changes})
    return acapy_id((await accept_next_offer(learner))["credential_id"])


async def issue_ld(
    issuer: IssuerPeer, learner: WalletCli, connection_id: str, kind: LdKind, subject: dict
) -> str:
    """A W3C micro-credential (Ed25519 or BBS) in the learner's wallet; its record id."""
    await issuer.offer_ld_credential(connection_id, kind, subject)
    return acapy_id((await accept_next_offer(learner))["credential_id"])


def acapy_id(credential_id: object) -> str:
    """`w3c:<id>` or `anoncreds:<id>` (offers, events, /api/credentials) -> ACA-Py's id."""
    kind, _, acapy = str(credential_id).partition(":")
    assert kind in ("anoncreds", "w3c") and acapy, credential_id
    return acapy


async def request_at_learner(learner: WalletCli, verifier: PeerAgent, pres_ex_id: str) -> dict:
    """The learner's view of the verifier's request (matched by thread), once it is there."""
    thread_id = (await verifier.pres_record(pres_ex_id))["thread_id"]

    async def arrived() -> dict[str, Any] | None:
        listed = (await api_ok(learner, "GET", "/api/requests"))["requests"]
        found = next((r for r in listed if r["thread_id"] == thread_id), None)
        if found is None:
            return None
        return await api_ok(learner, "GET", f"/api/requests/{found['exchange_id']}")

    return await poll_until("the proof request at the learner", arrived, DEADLINE)


def leaves(value: Any, prefix: str = "") -> set[str]:
    """Dotted names of every scalar in a JSON value (for comparing disclosed fields)."""
    if isinstance(value, dict):
        return {n for k, v in value.items() for n in leaves(v, f"{prefix}{k}.")}
    if isinstance(value, list):
        return {n for v in value for n in leaves(v, prefix)}
    return {prefix.rstrip(".")}


def history_page(learner: WalletCli) -> str:
    """The History screen as the browser gets it (the token stands in for the session)."""
    return ui_page(learner, "/history")


def ui_page(learner: WalletCli, path: str) -> str:
    """A screen's HTML as the browser gets it, entities decoded (English)."""
    url = learner.run_facts()["ui_url"].rstrip("/") + path
    headers = {"Authorization": f"Bearer {learner.token}", "Accept-Language": "en"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return html.unescape(response.read().decode("utf-8"))


def hidden_on_page(page: str) -> set[str]:
    """The names after "Hidden:" on the History screen (one credential used)."""
    (said,) = re.findall(r"<span data-used-hidden>Hidden: ([^<]*)</span>", page)
    return set(said.split(", "))


async def entry_for(learner: WalletCli, exchange_id: str) -> dict[str, Any]:
    entries = (await api_ok(learner, "GET", "/api/history"))["entries"]
    return next(e for e in entries if e["exchange_id"] == exchange_id)
