"""#17 point 5 against real parts: W3C status lists (StatusList2021) that the real issuer
signs and the demo's HTTPS did:web host serves. The wallet reads a credential's status at
receipt and when the learner opens it; a suspended or revoked one is shown so and not
offered; one withdrawn after a request arrived is not sent when the learner approves.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from demo.peer_agent import poll_until
from demo.peer_credentials import CREDENTIALS_V1, ld_offer_filter
from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer, VerifierPeer
from tests.integration.proof_peers import (
    DEADLINE,
    accept_next_offer,
    api,
    api_ok,
    connect,
    request_at_learner,
    ui_page,
)
from tests.integration.test_unlinkable import definition, descriptor
from tests.integration.wallet_cli import WalletCli
from tests.unit.test_status_list import encoded

pytestmark = pytest.mark.integration
STATUS_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"


class StatusLists:
    """The issuer's two lists (revocation, suspension) on its web host, re-signed on change."""

    def __init__(self, issuer: IssuerPeer, host: DidWebHostProcess) -> None:
        self.issuer = issuer
        self.host = host
        self.name = uuid.uuid4().hex[:8]

    def url(self, purpose: str) -> str:
        return f"{self.host.origin}/status/{self.name}-{purpose}.json"

    async def publish(self, purpose: str, set_bits: set[int]) -> None:
        url = self.url(purpose)
        unsigned = {
            "@context": [CREDENTIALS_V1, STATUS_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": self.issuer.ed25519_did,
            "issuanceDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "StatusList2021",
                "statusPurpose": purpose,
                "encodedList": encoded(set_bits),
            },
        }
        body = {"credential": unsigned, "options": {"proofType": "Ed25519Signature2020"}}
        signed = (await self.issuer.call("POST", "/vc/credentials/issue", body))[
            "verifiableCredential"
        ]
        path = self.host.root / "status" / f"{self.name}-{purpose}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(signed))
        partial.replace(path)

    def entry(self, purpose: str, index: int) -> dict[str, str]:
        return {
            "id": f"{self.url(purpose)}#{index}",
            "type": "StatusList2021Entry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": self.url(purpose),
        }


async def issue_listed(
    issuer: IssuerPeer, learner: WalletCli, connection_id: str, title: str, status: dict[str, str]
) -> str:
    """An Ed25519 micro-credential that names its place in a list; the wallet's id.

    ACA-Py 1.7 as holder takes one `credentialStatus` object (not a list), and only when
    the offer's options name its type (RFC 0593 `options.credentialStatus`).
    """
    subject = {**SAMPLE_MICROCREDENTIAL, "courseTitle": title}
    offer = ld_offer_filter("ed25519", issuer.ed25519_did, issuer.label, subject)
    offer["ld_proof"]["credential"]["@context"].append(STATUS_CONTEXT)
    offer["ld_proof"]["credential"]["credentialStatus"] = status
    offer["ld_proof"]["options"]["credentialStatus"] = {"type": status["type"]}
    body = {"connection_id": connection_id, "filter": offer, "auto_remove": False}
    await issuer.call("POST", "/issue-credential-2.0/send-offer", body)
    return str((await accept_next_offer(learner))["credential_id"])


async def status_of(learner: WalletCli, credential_id: str) -> str:
    """What the credential's page reads (the detail asks the lists afresh)."""
    detail = await api_ok(learner, "GET", f"/api/credentials/{quote(credential_id, safe='')}")
    return str(detail["status"])


async def listed_status(learner: WalletCli, credential_id: str) -> str:
    """The status the list shows, once the index holds the credential (it follows the
    `done` webhook that `accept_next_offer` waits for)."""

    async def listed() -> str | None:
        page = await api_ok(learner, "GET", "/api/credentials?limit=100")
        return next((str(c["status"]) for c in page["items"] if c["id"] == credential_id), None)

    return await poll_until("the credential in /api/credentials", listed, DEADLINE)


def usable(prompt: dict[str, Any]) -> list[str]:
    return [c["stored_id"] for i in prompt["items"] for c in i["candidates"] if c["usable"]]


async def test_a_suspended_credential_is_shown_so_and_not_offered_until_lifted(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli, didweb_host: DidWebHostProcess
) -> None:
    lists = StatusLists(issuer, didweb_host)
    await lists.publish("suspension", set())
    connection_id = await connect(learner, issuer)
    status = lists.entry("suspension", 5)
    credential_id = await issue_listed(issuer, learner, connection_id, "Statistics 3", status)
    assert await listed_status(learner, credential_id) == "valid"  # read at receipt

    await lists.publish("suspension", {5})
    assert await status_of(learner, credential_id) == "suspended"  # asked when opened
    assert await listed_status(learner, credential_id) == "suspended"
    screen = await asyncio.to_thread(ui_page, learner, f"/credentials/{quote(credential_id)}")
    assert "badge-suspended" in screen and "Suspended" in screen
    pd = definition("Ed25519Signature2020", descriptor("course", "Statistics 3", False))
    pres_ex_id = await verifier.request_proof_dif(await connect(learner, verifier), pd)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert credential_id not in usable(shown["prompt"]), shown["prompt"]  # not offered
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline", {})

    await lists.publish("suspension", set())  # lifted
    assert await status_of(learner, credential_id) == "valid"
    assert await listed_status(learner, credential_id) == "valid"


async def test_a_credential_revoked_after_the_request_arrived_is_not_sent(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli, didweb_host: DidWebHostProcess
) -> None:
    lists = StatusLists(issuer, didweb_host)
    await lists.publish("revocation", set())
    connection_id = await connect(learner, issuer)
    status = lists.entry("revocation", 9)
    credential_id = await issue_listed(issuer, learner, connection_id, "Welding Safety 1", status)
    pd = definition("Ed25519Signature2020", descriptor("course", "Welding Safety 1", False))
    pres_ex_id = await verifier.request_proof_dif(await connect(learner, verifier), pd)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert usable(shown["prompt"]) == [credential_id]

    await lists.publish("revocation", {9})  # withdrawn while the prompt is open
    code, body = await api(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    assert 400 <= code < 500, body
    assert "revoked by its issuer" in body["error"]["detail"], body
    assert await listed_status(learner, credential_id) == "revoked"
    assert await status_of(learner, credential_id) == "revoked"
    record = await verifier.pres_record(pres_ex_id)
    assert record["state"] == "request-sent", record  # nothing went to the verifier
