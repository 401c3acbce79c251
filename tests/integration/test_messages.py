"""Issue #18 point 4 with the real wallet and a real ACA-Py issuer: basic messages arrive, are
kept across a restart, the learner's reply reaches the issuer's ACA-Py, and a connection is
renamed and deleted (its messages with it).

The issuer's ACA-Py answers a message that starts with "Reply with: " by sending the rest back
(its own BasicMessageHandler): that answer arriving at the learner proves the issuer's agent
received and handled the learner's message on this very connection.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from demo.peers import IssuerPeer, poll_until
from tests.integration.proof_peers import DEADLINE, api, api_ok, connect, learner_admin
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def _conversation(learner: WalletCli, connection_id: str) -> list[dict[str, Any]]:
    page = await api_ok(learner, "GET", f"/api/connections/{connection_id}/messages")
    return list(page["messages"])


async def _received(learner: WalletCli, connection_id: str, text: str) -> dict[str, Any]:
    async def arrived() -> dict[str, Any] | None:
        messages = await _conversation(learner, connection_id)
        return next(
            (m for m in messages if m["direction"] == "received" and m["text"] == text), None
        )

    return await poll_until(f"the message {text!r} at the learner", arrived, DEADLINE)


async def _restart(learner: WalletCli) -> None:
    await asyncio.to_thread(learner.kill)
    learner.output.clear()  # so `start` waits for the new process's address line
    await asyncio.to_thread(learner.start)

    async def ready() -> bool:
        return bool((await api_ok(learner, "GET", "/api/status"))["ready"])

    await poll_until("the restarted wallet to be ready", ready, DEADLINE)


async def test_messages_arrive_survive_a_restart_and_the_reply_reaches_the_issuer(
    issuer: IssuerPeer, learner: WalletCli
) -> None:
    issuer_side = await connect(learner, issuer)
    connections = (await api_ok(learner, "GET", "/api/connections"))["connections"]
    (connection,) = connections
    connection_id = connection["id"]
    text = f"Your certificate is ready to collect. Reference {uuid.uuid4().hex[:8]}."
    await issuer.call("POST", f"/connections/{issuer_side}/send-message", {"content": text})

    message = await _received(learner, connection_id, text)
    assert message["read"] is False
    unread = await api_ok(learner, "GET", "/api/messages/unread")
    assert unread["total"] == 1
    assert unread["conversations"][0]["label"] == issuer.label

    await _restart(learner)
    kept = await _conversation(learner, connection_id)
    assert [(m["id"], m["text"], m["read"]) for m in kept] == [(message["id"], text, False)]
    assert (await api_ok(learner, "GET", "/api/messages/unread"))["total"] == 1
    await api_ok(learner, "POST", f"/api/connections/{connection_id}/messages/read")
    assert (await api_ok(learner, "GET", "/api/messages/unread"))["total"] == 0

    echo = f"Thank you, I will come on Tuesday ({uuid.uuid4().hex[:8]})"
    sent = await api_ok(
        learner,
        "POST",
        f"/api/connections/{connection_id}/messages",
        {"text": f"Reply with: {echo}"},
    )
    assert (sent["direction"], sent["read"]) == ("sent", True)
    await _received(learner, connection_id, echo)  # the issuer's ACA-Py got it and answered
    directions = [m["direction"] for m in await _conversation(learner, connection_id)]
    assert directions == ["received", "sent", "received"]

    status, body = await api(
        learner, "POST", f"/api/connections/{connection_id}/messages", {"text": " "}
    )
    assert (status, body["error"]["code"]) == (422, "message_empty")

    logs = [path for path in (learner.data_dir / "logs").rglob("*") if path.is_file()]
    assert logs, "the wallet writes logs"
    for path in logs:
        content = path.read_text("utf-8", errors="replace")
        assert text not in content and echo not in content, f"message text in {path.name}"


async def test_a_connection_is_renamed_then_deleted_with_its_messages(
    issuer: IssuerPeer, learner: WalletCli
) -> None:
    issuer_side = await connect(learner, issuer)
    (connection,) = (await api_ok(learner, "GET", "/api/connections"))["connections"]
    connection_id = connection["id"]
    path = f"/api/connections/{connection_id}"

    renamed = await api_ok(learner, "PATCH", path, {"name": "My training provider"})
    assert (renamed["label"], renamed["their_label"]) == ("My training provider", issuer.label)
    listed = (await api_ok(learner, "GET", "/api/connections"))["connections"]
    assert [c["label"] for c in listed] == ["My training provider"]

    text = f"Enrolment closes Friday {uuid.uuid4().hex[:8]}"
    await issuer.call("POST", f"/connections/{issuer_side}/send-message", {"content": text})
    await _received(learner, connection_id, text)
    unread = await api_ok(learner, "GET", "/api/messages/unread")
    assert [c["label"] for c in unread["conversations"]] == ["My training provider"]

    deleted = await api_ok(learner, "DELETE", path)
    assert deleted == {"deleted": connection_id, "messages_removed": 1}
    assert (await api_ok(learner, "GET", "/api/connections"))["connections"] == []
    assert (await api_ok(learner, "GET", "/api/messages/unread"))["total"] == 0
    status, body = await api(learner, "GET", f"{path}/messages")
    assert (status, body["error"]["code"]) == (404, "connection_not_found")
    async with learner_admin(learner) as admin:  # ACA-Py itself holds no such record
        assert connection_id not in {c.connection_id for c in await admin.list_connections()}

    await _restart(learner)  # nothing of it comes back (names and messages are gone)
    assert (await api_ok(learner, "GET", "/api/messages/unread"))["total"] == 0
    assert (await api_ok(learner, "GET", "/api/connections"))["connections"] == []
