"""`GET /api/events` on the real wallet: a proof request shows up as a server-sent event,
with ids and states only, and the stream ends cleanly when the wallet stops.
"""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from demo.peers import VerifierPeer
from tests.integration.proof_peers import DEADLINE, connect
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def next_event(stream: aiohttp.StreamReader, topic: str) -> dict:
    """Read SSE messages until one named `topic` arrives; its data."""
    name = None
    async for raw in stream:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == topic:
            return json.loads(line.removeprefix("data: "))
        elif not line:
            name = None
    raise AssertionError(f"the stream ended before a {topic} event")


async def test_a_proof_request_arrives_as_an_event_and_the_stream_ends_on_stop(
    verifier: VerifierPeer, learner: WalletCli
) -> None:
    connection_id = await connect(learner, verifier)
    url = learner.run_facts()["ui_url"].rstrip("/") + "/api/events"
    headers = {"Authorization": f"Bearer {learner.token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        pres_ex_id = await verifier.request_proof_anoncreds(
            connection_id, {"email": {"name": "email"}}, name="Sign-up"
        )
        thread_id = (await verifier.pres_record(pres_ex_id))["thread_id"]
        async with asyncio.timeout(DEADLINE):
            data = await next_event(response.content, "request_received")
        assert data["source"] == "wallet" and data["state"] == "request-received"
        assert set(data) <= {"source", "at", "exchange_id", "connection_id", "state", "answerable"}
        listed = learner.api_ok("GET", "/api/requests")["requests"]
        assert [r["exchange_id"] for r in listed if r["thread_id"] == thread_id] == [
            data["exchange_id"]
        ]

        stopping = asyncio.create_task(asyncio.to_thread(learner.kill))
        async with asyncio.timeout(DEADLINE):
            await next_event(response.content, "shutdown")
            assert (await response.content.read()).strip() == b""  # then a clean end
        await stopping
    assert learner.process is not None and learner.process.returncode == 0
