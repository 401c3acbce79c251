"""Smoke test of the real Credo-ts 0.5.19 mediator the pickup tests use (issue #15).

It starts on 127.0.0.1 from what scripts/setup-credo.sh installed, offers a multi-use
DID Exchange invitation that lists an http and a ws service, and an ACA-Py 1.7 test peer
connects to it over HTTP and is granted mediation. It stops on SIGTERM with exit code 0.

The peer loads the plugins the learner's agent loads (HOLDER_PLUGINS): Credo 0.5.19's DID
exchange response has no `pthid`, and without `credo_compat` ACA-Py 1.7 fails its own
`complete` ("Missing required field(s) in thread decorator") and the connection stays at
`response` (seen against this mediator; tests/integration/test_credo_peer.py covers it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from config.acapy_args import HOLDER_PLUGINS
from demo.peers import PeerAgent, poll_until
from protocols.connections.invitation import Invitation, InvitationService, parse_invitation
from tests.integration.credo_mediator import CredoMediator, start_credo_mediator

pytestmark = pytest.mark.integration
MEDIATE_REQUEST = "https://didcomm.org/coordinate-mediation/1.0/mediate-request"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def credo_mediator(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CredoMediator]:
    mediator = await start_credo_mediator(tmp_path_factory.mktemp("credo-mediator"))
    yield mediator
    await mediator.stop()


def test_invitation_lists_http_and_ws_services(credo_mediator: CredoMediator) -> None:
    parsed = parse_invitation(credo_mediator.invitation_url)
    assert isinstance(parsed, Invitation), parsed
    assert parsed.label == "Credo Mediator"
    assert parsed.supported_handshakes() == ["https://didcomm.org/didexchange/1.1"]
    services = [s for s in parsed.services if isinstance(s, InvitationService)]
    endpoints = sorted(s.service_endpoint for s in services)
    assert endpoints == sorted([credo_mediator.http_endpoint, credo_mediator.ws_endpoint])
    assert all(s.recipient_keys[0].startswith("did:key:z6Mk") for s in services)
    assert credo_mediator.info["forwarding"] == "QueueAndLiveModeDelivery"


async def test_acapy_peer_gets_mediation_granted_over_http(
    credo_mediator: CredoMediator, tmp_path: Path
) -> None:
    client = await PeerAgent.start("Credo mediation client", tmp_path, plugins=HOLDER_PLUGINS)
    try:
        # Stock ACA-Py refuses an invitation with more than one service: give it the http one.
        oob = await client.receive_invitation(credo_mediator.invitation_for("http"))
        connection = await client.wait_own_connection_active(oob["connection_id"], timeout=30)
        assert connection["their_label"] == "Credo Mediator"

        request = await client.call("POST", f"/mediation/request/{connection['connection_id']}", {})
        mediation_id = request["mediation_id"]

        async def granted() -> dict[str, Any] | None:
            record = await client.call("GET", f"/mediation/requests/{mediation_id}")
            return record if record.get("state") == "granted" else None

        record = await poll_until("mediation granted by the Credo mediator", granted, timeout=30)
        assert record["endpoint"] == credo_mediator.http_endpoint, record
        assert record["routing_keys"], record
    finally:
        await client.stop()

    inbound = [e["type"] for e in credo_mediator.events("inbound")]
    assert MEDIATE_REQUEST in inbound, credo_mediator.log_tail()
    states = [e["state"] for e in credo_mediator.events("mediation")]
    assert "granted" in states, credo_mediator.log_tail()


async def test_queue_only_mediator_starts_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    mediator = await start_credo_mediator(tmp_path / "queue-only", forwarding="queue-only")
    try:
        assert mediator.info["forwarding"] == "QueueOnly"
        assert mediator.info["http_port"] == mediator.info["ws_port"] > 0
    finally:
        code = await mediator.stop()
    assert code == 0, mediator.log_tail()
    assert [e["clean"] for e in mediator.events("stopped")] == [True], mediator.log_tail()
