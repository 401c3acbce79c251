"""An ACA-Py mediator a learner can reach from behind NAT: it also listens on a WebSocket.

ACA-Py 1.7 has no message pickup protocol, so a learner in `pickup` delivery receives from
it in implicit mode: the learner keeps one socket open (`~transport.return_route: all`)
and the mediator sends over it whatever it has for the learner, queued while the learner
was away (`--enable-undelivered-queue`). Senders still reach the mediator over http.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aries_askar import Store

from agent.admin_client import AdminClient
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets, AcaPyStartError, log_path
from config.acapy_args import CORE_PLUGINS, AcaPyLaunch
from demo.peer_agent import PeerAgent, decode_invitation
from protocols.connections.mediator import mediator_link_for_agent

WS_MEDIATOR_ARGS = (
    "--open-mediation",
    "--auto-accept-requests",
    "--preserve-exchange-records",
    "--enable-undelivered-queue",
)
PORT_ATTEMPTS = 3


@dataclass
class WsMediator:
    """An ACA-Py mediator listening on http (for senders) and ws (for the learner)."""

    peer: PeerAgent
    http_endpoint: str
    ws_endpoint: str

    async def invitation_url_for_learner(self) -> str:
        """Its invitation pointed at its ws endpoint (ACA-Py puts only the first endpoint in)."""
        url = await self.peer.create_invitation(alias="learner")
        invitation = decode_invitation(url)
        for service in invitation["services"]:
            service["serviceEndpoint"] = self.ws_endpoint
        return mediator_link_for_agent(json.dumps(invitation), "pickup")

    async def stop(self) -> None:
        await self.peer.stop()


async def start_ws_mediator(base_dir: Path, label: str = "Campus WS Mediator") -> WsMediator:
    """Start it on free loopback ports (again on other ports if one was taken meanwhile)."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        http_port, ws_port = free_port(), free_port()
        http, ws = f"http://127.0.0.1:{http_port}", f"ws://127.0.0.1:{ws_port}"
        launch = AcaPyLaunch(
            label=label,
            acapy_home=base_dir / "ws-mediator",
            wallet_name=f"ws-mediator-{attempt}",
            admin_port=free_port(),
            inbound_port=http_port,
            log_file=log_path(base_dir, "ws-mediator"),
            plugins=CORE_PLUGINS,
            extra_args=(
                "--no-ledger",
                *WS_MEDIATOR_ARGS,
                "--inbound-transport", "ws", "127.0.0.1", str(ws_port),
                "--endpoint", http, ws,
            ),
        )  # fmt: skip
        process = AcaPyProcess(launch, AcaPySecrets(Store.generate_raw_key()), restart_limit=0)
        try:
            await process.start()
        except AcaPyStartError as error:
            if not error.port_in_use or attempt == PORT_ATTEMPTS:
                raise
            continue
        return WsMediator(
            PeerAgent(process, AdminClient(process.admin_url, process.admin_key)), http, ws
        )
    raise AssertionError("unreachable")
