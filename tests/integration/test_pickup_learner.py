"""A learner in `pickup` delivery whose mediator does not answer yet still starts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from agent.ports import free_port
from demo.peers import DIDEXCHANGE_1_1
from protocols.connections.mediator import mediator_link_for_agent
from tests.integration.pickup_learner import PickupLearner, WebhookSink

pytestmark = pytest.mark.integration


async def test_learner_with_an_unreachable_mediator_starts_and_says_so(
    tmp_path: Path, webhooks: WebhookSink
) -> None:
    """No mediator answers yet: ACA-Py is ready anyway, nothing hangs, nothing listens outside."""
    dead = f"ws://127.0.0.1:{free_port()}"
    invitation = {
        "@type": "https://didcomm.org/out-of-band/1.1/invitation",
        "@id": str(uuid.uuid4()),
        "label": "Away Mediator",
        "handshake_protocols": [DIDEXCHANGE_1_1],
        "services": [
            {
                "id": "#inline",
                "type": "did-communication",
                "recipientKeys": ["did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"],
                "serviceEndpoint": dead,
            }
        ],
    }
    link = mediator_link_for_agent(json.dumps(invitation), "pickup")
    learner = await PickupLearner.launch(tmp_path, link, webhooks)
    try:
        state = await learner.pickup_state()
        assert state["state"] == "connecting", state
        assert state["mediator_label"] is None
        ports = learner.listening_ports()
        launch = learner.process.launch
        assert ports == {("127.0.0.1", launch.admin_port), ("127.0.0.1", launch.inbound_port)}
    finally:
        await learner.stop()
