"""Credo-ts interop: an inviter whose DID exchange response has no `pthid`.

The inviter is a real ACA-Py with a test-only plugin (tests/integration/credo_like_inviter)
that strips `pthid` from its responses, the shape Credo-ts 0.5 sends. Without our
credo_compat plugin ACA-Py 1.7 cannot send its `complete` and the connection never
becomes active; with it (and in the learner's wallet, which loads it) it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from config.acapy_args import CORE_PLUGINS, HOLDER_PLUGINS
from demo.peers import PeerAgent, decode_invitation, invitation_msg_id, poll_until
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
ENV = {"PYTHONPATH": str(REPO)}
CREDO_LIKE = "tests.integration.credo_like_inviter"
ACAPY_ERROR = "Missing required field(s) in thread decorator"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def credo_like_inviter(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PeerAgent]:
    base = tmp_path_factory.mktemp("credo-like")
    peer = await PeerAgent.start(
        "Credo-like Issuer",
        base,
        ("--auto-accept-requests",),
        env=ENV,
        plugins=(*CORE_PLUGINS, CREDO_LIKE),
    )
    yield peer
    await peer.stop()


async def _bare_holder(base: Path, plugins: tuple[str, ...]) -> PeerAgent:
    return await PeerAgent.start(
        "holder", base, ("--auto-accept-invites",), env=ENV, plugins=plugins
    )


async def _connect(inviter: PeerAgent, holder: PeerAgent) -> str:
    url = await inviter.create_invitation()
    oob = await holder.receive_invitation(decode_invitation(url))
    return str(oob["connection_id"])


async def test_response_without_pthid_fails_in_plain_acapy_and_completes_with_the_plugin(
    credo_like_inviter: PeerAgent, tmp_path: Path
) -> None:
    plain, fixed = await asyncio.gather(
        _bare_holder(tmp_path / "plain", CORE_PLUGINS),
        _bare_holder(tmp_path / "fixed", HOLDER_PLUGINS),
    )
    try:
        stuck = await _connect(credo_like_inviter, plain)
        log = plain.process.launch.log_file

        async def failed() -> bool:
            return ACAPY_ERROR in log.read_text(errors="replace")

        await poll_until(f"ACA-Py to log {ACAPY_ERROR!r}", failed)
        record = await plain.record("connection", stuck)
        assert record["state"] == "response", record
        assert record["rfc23_state"] != "completed"

        connection_id = await _connect(credo_like_inviter, fixed)
        record = await fixed.wait_state("connection", connection_id, {"active", "completed"})
        assert record["rfc23_state"] == "completed"
        fixed_log = fixed.process.launch.log_file.read_text(errors="replace")
        assert "had no pthid; using" in fixed_log
        assert ACAPY_ERROR not in fixed_log
    finally:
        await asyncio.gather(plain.stop(), fixed.stop())


async def test_learner_wallet_connects_to_a_credo_like_inviter(
    learner: WalletCli, credo_like_inviter: PeerAgent
) -> None:
    url = await credo_like_inviter.create_invitation()
    code, body = await asyncio.to_thread(
        learner.api, "POST", "/api/connections", {"invitation": url}
    )
    assert code == 201, body
    connection_id = body["connection"]["id"]

    async def active() -> dict[str, Any] | None:
        code, shown = await asyncio.to_thread(
            learner.api, "GET", f"/api/connections/{connection_id}"
        )
        return shown if code == 200 and shown["state"] == "active" else None

    await poll_until("the learner's connection to the Credo-like inviter", active)
    await credo_like_inviter.wait_connection_active(invitation_msg_id(url))
