"""Issue #3 point 7 against real ACA-Py: every kind of credential in /api/credentials.

The learner is the real wallet (`learner-wallet start`); the issuer is the shared peer. The
learner connects with `POST /api/connections` and accepts every offer with
`/api/offers/{id}/accept`, as the learner would; the test reads the learner's own agent only
to find which offer belongs to which issuance.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from agent.admin_client import AdminApiError, AdminClient
from demo.peers import (
    ISSUER_LABEL,
    SAMPLE_BADGE,
    IssuerPeer,
    LdKind,
    invitation_msg_id,
    poll_until,
)
from tests.integration.wallet_cli import WalletCli, wait_for

pytestmark = pytest.mark.integration
TIMEOUT = 90.0


def learner_agent(learner: WalletCli) -> AdminClient:
    """The learner's own ACA-Py admin API (port from its command line, key from its env)."""
    pid = int(learner.run_facts()["acapy_pid"])
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    port = int(args[args.index(b"--admin") + 2])
    key = learner.acapy_environ(pid)["ACAPY_ADMIN_API_KEY"]
    return AdminClient(f"http://127.0.0.1:{port}", key)


async def api(learner: WalletCli, method: str, path: str, expect: int = 200) -> Any:
    code, body = await asyncio.to_thread(learner.api, method, path)
    assert code == expect, f"{method} {path}: {code} {body}"
    return body


async def connect(learner: WalletCli, issuer: IssuerPeer) -> str:
    """The learner accepts the issuer's invitation in the wallet; the issuer's connection id."""
    url = await issuer.create_invitation()
    code, body = await asyncio.to_thread(
        learner.api, "POST", "/api/connections", {"invitation": url}
    )
    assert code == 201, body
    connection = await issuer.wait_connection_active(invitation_msg_id(url), TIMEOUT)
    return str(connection["connection_id"])


async def accept(learner: WalletCli, agent: AdminClient, issuer: IssuerPeer, offer_id: str) -> str:
    """Accept the issuer's offer in the wallet; the stored credential's id in /api/credentials."""
    thread_id = (await issuer.cred_record(offer_id))["cred_ex_record"]["thread_id"]

    async def holder_exchange() -> str | None:
        found = await agent.list_credential_exchanges(thread_id=thread_id)
        return found[0].cred_ex_id if found else None

    cred_ex_id = await poll_until("the offer at the learner", holder_exchange, TIMEOUT)

    async def pending() -> bool:
        code, offer = await asyncio.to_thread(learner.api, "GET", f"/api/offers/{cred_ex_id}")
        return code == 200 and offer["state"] == "pending"

    await poll_until(f"offer {cred_ex_id} pending in /api/offers", pending, TIMEOUT)
    await api(learner, "POST", f"/api/offers/{cred_ex_id}/accept")

    async def stored() -> str | None:
        detail = await agent.credential_exchange(cred_ex_id)
        assert detail.cred_ex_record.state not in {"abandoned", "declined"}, detail
        for fmt, prefix in (("anoncreds", "anoncreds"), ("ld_proof", "w3c")):
            found = getattr(detail, fmt) or {}
            if found.get("cred_id_stored"):
                return f"{prefix}:{found['cred_id_stored']}"
        return None

    credential_id = await poll_until(f"exchange {cred_ex_id} to store", stored, TIMEOUT)

    async def listed() -> bool:
        return await in_list(learner, credential_id)

    await poll_until(f"{credential_id} in /api/credentials", listed, TIMEOUT)
    return credential_id


async def in_list(learner: WalletCli, credential_id: str, query: str = "") -> bool:
    page = await api(learner, "GET", f"/api/credentials?limit=100{query}")
    return any(item["id"] == credential_id for item in page["items"])


async def listed_ids(learner: WalletCli, query: str) -> list[str]:
    page = await api(learner, "GET", f"/api/credentials?{query}")
    return [item["id"] for item in page["items"]]


def course(title: str, **extra: Any) -> dict[str, Any]:
    return {"courseTitle": title, "provider": ISSUER_LABEL, "level": "EQF 5", **extra}


async def receive_ld(
    learner: WalletCli,
    agent: AdminClient,
    issuer: IssuerPeer,
    connection_id: str,
    kind: LdKind,
    subject: dict[str, Any],
) -> str:
    offer_id = await issuer.offer_ld_credential(connection_id, kind, subject)
    return await accept(learner, agent, issuer, offer_id)


async def receive_anoncreds(
    learner: WalletCli,
    agent: AdminClient,
    issuer: IssuerPeer,
    connection_id: str,
    attributes: dict[str, str],
) -> tuple[str, str]:
    """The wallet's credential id and the issuer's cred_ex_id (to revoke it later)."""
    offer_id = await issuer.offer_anoncreds(connection_id, attributes)
    return await accept(learner, agent, issuer, offer_id), offer_id


def anoncreds_attributes(title: str, learner_name: str) -> dict[str, str]:
    return {
        "course_title": title,
        "provider": ISSUER_LABEL,
        "score": "91",
        "completion_date": "2025-06-30",
        "learner_name": learner_name,
    }


async def test_every_kind_is_listed_searched_filtered_paged_shown_and_deleted(
    issuer: IssuerPeer, learner: WalletCli
) -> None:
    started = time.monotonic()
    async with learner_agent(learner) as agent:
        connection_id = await connect(learner, issuer)
        ed25519 = await receive_ld(
            learner,
            agent,
            issuer,
            connection_id,
            "ed25519",
            course("Welding Fundamentals", skills=["arc", "gas"]),
        )
        bbs = await receive_ld(
            learner, agent, issuer, connection_id, "bbs", course("Marine Biology", score=77)
        )
        badge = await receive_ld(learner, agent, issuer, connection_id, "openbadge", SAMPLE_BADGE)
        anoncreds, _ = await receive_anoncreds(
            learner, agent, issuer, connection_id,
            anoncreds_attributes("Quantum Computing", "Zebediah Learner"),
        )  # fmt: skip
    issued = time.monotonic() - started

    page = await api(learner, "GET", "/api/credentials")
    assert page["total"] == 4 and (page["limit"], page["offset"]) == (20, 0)
    by_id = {item["id"]: item for item in page["items"]}
    assert set(by_id) == {ed25519, bbs, badge, anoncreds}
    assert [item["id"] for item in page["items"]] == [anoncreds, badge, bbs, ed25519]

    item = by_id[ed25519]
    assert (item["format"], item["proof_type"]) == ("w3c", "Ed25519Signature2020")
    assert (item["title"], item["issuer_did"]) == ("Welding Fundamentals", issuer.ed25519_did)
    assert item["issuer_label"] == ISSUER_LABEL and item["status"] == "valid"
    assert "MicroCredential" in item["types"] and item["issued"]
    assert item["attributes"]["skills[0]"] == "arc" and item["raw"] is None
    assert by_id[bbs]["proof_type"] == "BbsBlsSignature2020"
    assert by_id[bbs]["issuer_did"] == issuer.bbs_did
    assert by_id[badge]["title"] == SAMPLE_BADGE["achievement"]["name"]
    assert "OpenBadgeCredential" in by_id[badge]["types"]
    assert by_id[badge]["attributes"]["achievement.criteria.narrative"].startswith("Passed")
    item = by_id[anoncreds]
    assert (item["format"], item["proof_type"], item["title"]) == (
        "anoncreds", "CL", "Course result",
    )  # fmt: skip
    assert (item["schema_id"], item["schema_name"]) == (issuer.schema_id, "Course result")
    assert item["cred_def_id"] == issuer.cred_def_id
    assert item["issuer_did"] == issuer.didweb_did and item["issuer_label"] == ISSUER_LABEL
    assert item["attributes"]["learner_name"] == "Zebediah Learner"
    assert item["rev_reg_id"] and item["cred_rev_id"] and item["status"] == "valid"

    # Word-prefix search over titles and attribute values, filters, paging.
    assert await listed_ids(learner, "q=weld") == [ed25519]
    assert await listed_ids(learner, "q=MARINE%20bio") == [bbs]
    assert await listed_ids(learner, "q=zebed") == [anoncreds]  # an attribute value
    assert await listed_ids(learner, "q=quant") == [anoncreds]
    assert set(await listed_ids(learner, "q=data%20lit")) == {badge}
    assert await listed_ids(learner, "format=anoncreds") == [anoncreds]
    assert set(await listed_ids(learner, "format=w3c")) == {ed25519, bbs, badge}
    issuer_filter = quote(issuer.bbs_did, safe="")
    assert await listed_ids(learner, f"issuer={issuer_filter}") == [bbs]
    assert await listed_ids(learner, f"issuer={quote(issuer.didweb_did, safe='')}") == [anoncreds]
    first = await api(learner, "GET", "/api/credentials?limit=3")
    second = await api(learner, "GET", "/api/credentials?limit=3&offset=3")
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert second["total"] == 4 and second["offset"] == 3
    assert {i["id"] for i in first["items"] + second["items"]} == set(by_id)
    error = (await api(learner, "GET", "/api/credentials?limit=500", 400))["error"]
    assert error["code"] == "bad_parameter" and error["hint"]

    # One credential in full, then deleted from ACA-Py and the index.
    detail = await api(learner, "GET", f"/api/credentials/{quote(anoncreds)}")
    assert detail["raw"]["attrs"]["course_title"] == "Quantum Computing"
    assert detail["status"] == "valid"
    detail = await api(learner, "GET", f"/api/credentials/{quote(ed25519)}")
    assert detail["raw"]["credentialSubject"]["courseTitle"] == "Welding Fundamentals"
    assert detail["raw"]["proof"]["type"] == "Ed25519Signature2020"
    # Export to another wallet: the signed document exactly as ACA-Py stored it (issue #16).
    exported = await api(learner, "GET", f"/api/credentials/{quote(badge)}/export")
    async with learner_agent(learner) as agent:
        stored = await agent.w3c_credential(badge.removeprefix("w3c:"))
    assert exported == stored.cred_value and exported["proof"]["proofValue"]
    refused = await api(learner, "GET", f"/api/credentials/{quote(anoncreds)}/export", 409)
    assert refused["error"]["code"] == "not_exportable"
    await api(learner, "DELETE", f"/api/credentials/{quote(ed25519)}")
    assert not await in_list(learner, ed25519)
    assert await listed_ids(learner, "q=weld") == []
    await api(learner, "GET", f"/api/credentials/{quote(ed25519)}", 404)
    await api(learner, "DELETE", f"/api/credentials/{quote(ed25519)}", 404)
    async with learner_agent(learner) as agent:
        with pytest.raises(AdminApiError) as gone:
            await agent.w3c_credential(ed25519.removeprefix("w3c:"))
        assert gone.value.status == 404
        # Deleted behind the wallet's back: the start-up reconciliation drops it.
        await agent.delete_w3c_credential(bbs.removeprefix("w3c:"))
    await asyncio.to_thread(restart, learner)
    assert set(await listed_ids(learner, "limit=100")) == {badge, anoncreds}
    print(f"4 credentials issued and listed in {issued:.1f} s")


def restart(learner: WalletCli) -> None:
    """Stop the wallet (by its pid) and start it again on the same data dir."""
    learner.kill()
    learner.output.clear()
    learner.start()
    wait_for(lambda: learner.status()["ready"], "the restarted wallet to be ready")
