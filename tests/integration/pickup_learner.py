"""A learner's ACA-Py in `pickup` delivery, as the pickup tests start it, and its own checks.

`PickupLearner` is a bare holder (the wallet's holder flags and plugins, through the same
supervisor) plus `pickup_delivery_args`, with its webhooks going to a `WebhookSink`. It
knows how to prove it is unreachable: which TCP ports its process listens on, and whether
its loopback inbound transport ever received a DIDComm message (ACA-Py's access log names
every request; DIDComm arrives as `POST /`). The pickup tests import these helpers; the
`webhooks` fixture is in conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets, log_path
from config.acapy_args import (
    HOLDER_PLUGINS,
    AcaPyLaunch,
    holder_extra_args,
    pickup_delivery_args,
)
from config.settings import WalletSettings
from demo.peers import DIDEXCHANGE_1_1, PeerAgent, poll_until

DIDCOMM_REQUEST = re.compile(r'"(POST|GET) / HTTP/1\.1"')
LISTEN = "0A"


@dataclass
class WebhookSink:
    """Receives ACA-Py's webhooks on 127.0.0.1 and keeps them by topic."""

    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    port: int = 0
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks"

    async def _receive(self, request: web.Request) -> web.Response:
        if request.headers.get("x-api-key") != self.secret:
            raise web.HTTPUnauthorized
        self.received.append((request.match_info["topic"], await request.json()))
        return web.Response(status=200)

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.post("/webhooks/topic/{topic}/", self._receive)])
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def topic(self, name: str) -> list[dict[str, Any]]:
        return [payload for topic, payload in self.received if topic == name]


class PickupLearner(PeerAgent):
    """The learner's ACA-Py with `pickup` delivery; restartable on the same wallet."""

    @classmethod
    async def launch(
        cls,
        base_dir: Path,
        mediator_invitation_url: str,
        webhooks: WebhookSink,
        env: dict[str, str] | None = None,
        plugin_config: dict[str, float | int] | None = None,
    ) -> PickupLearner:
        settings = WalletSettings(mediator_invitation=mediator_invitation_url)
        launch = AcaPyLaunch(
            label="Learner",
            acapy_home=base_dir / "acapy",
            wallet_name=f"learner-{uuid.uuid4().hex[:8]}",
            admin_port=free_port(),
            inbound_port=free_port(),
            log_file=log_path(base_dir, "learner"),
            plugins=HOLDER_PLUGINS,
            extra_args=(*holder_extra_args(settings), *pickup_delivery_args(plugin_config)),
            extra_env=dict(env or {}),
        )
        agent_secrets = AcaPySecrets(
            wallet_key=Store.generate_raw_key(), webhook_secret=webhooks.secret
        )
        process = AcaPyProcess(
            launch, agent_secrets, webhook_url=webhooks.url, restart_limit=0, ready_timeout=90
        )
        learner = cls(process, AdminClient(process.admin_url, process.admin_key))
        await learner.start_again()
        return learner

    async def start_again(self) -> None:
        """Start (again) on the same wallet: the mediation is remembered, not asked anew."""
        await self.process.start()
        self.client = AdminClient(self.process.admin_url, self.process.admin_key)

    async def stop_for_now(self) -> None:
        """Stop the process (SIGTERM, by its handle); `start_again` brings it back."""
        await self.client.close()
        await self.process.stop()

    async def pickup_state(self) -> dict[str, Any]:
        return dict(await self.call("GET", "/learner-wallet/pickup"))

    async def wait_pickup(self, timeout: float = 60.0, **wanted: Any) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait until the plugin's state has every field in `wanted`."""

        async def reached() -> dict[str, Any] | None:
            state = await self.pickup_state()
            return state if all(state.get(k) == v for k, v in wanted.items()) else None

        return await poll_until(f"the learner's pickup state {wanted}", reached, timeout)

    async def wait_granted(self, timeout: float = 60.0) -> dict[str, Any]:  # noqa: ASYNC109
        async def granted() -> dict[str, Any] | None:
            record = await self.call("GET", "/mediation/default-mediator")
            return record if record and record.get("state") == "granted" else None

        return await poll_until("the learner's mediation to be granted", granted, timeout)

    async def own_invitation(self) -> dict[str, Any]:
        """A fresh out-of-band invitation of the learner (through its default mediator)."""
        body = {"handshake_protocols": [DIDEXCHANGE_1_1], "alias": "pickup test"}
        record = await self.call("POST", "/out-of-band/create-invitation", body, auto_accept="true")
        return dict(record["invitation"])

    def didcomm_requests_on_own_port(self) -> list[str]:
        """Every DIDComm request that reached the learner's own loopback inbound transport."""
        text = self.process.launch.log_file.read_text(errors="replace")
        return [line for line in text.splitlines() if DIDCOMM_REQUEST.search(line)]

    def listening_ports(self) -> set[tuple[str, int]]:
        """(address, port) of every TCP socket the learner's ACA-Py process listens on."""
        pid = self.pid
        assert pid is not None, "the learner is not running"
        return listening_sockets(pid)


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    """From /proc: the listening TCP sockets whose inodes the process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == LISTEN and inode in inodes:
                address, port = local.split(":")
                found.add((_address(address), int(port, 16)))
    return found


def _address(hex_address: str) -> str:
    if len(hex_address) == 8:
        return ".".join(str(b) for b in reversed(bytes.fromhex(hex_address)))
    return "ipv6:" + hex_address


async def connect_issuer(learner: PickupLearner, issuer: PeerAgent) -> tuple[str, str]:
    """The issuer answers the learner's invitation; (learner's, issuer's) connection ids.

    Returns once the learner has also handled the issuer's DID exchange `complete`, which
    may come after the trust ping that made the connection active: ACA-Py 1.7 handles a
    `complete` cut off half-way (a stop) never again (`accept_complete` stores the short
    did:peer:4, then the connection; a second try fails with WalletDuplicateError).
    """
    await learner.wait_granted()  # an invitation made before the grant names no mediator
    invitation = await learner.own_invitation()
    oob = await issuer.receive_invitation(invitation)
    issuer_connection = await issuer.wait_own_connection_active(oob["connection_id"])
    mine = await learner.wait_connection_active(invitation["@id"])

    async def completed() -> dict[str, Any] | None:
        record = await learner.record("connection", mine["connection_id"])
        return record if str(record.get("my_did", "")).count(":") == 2 else None

    await poll_until("the learner to handle the DID exchange complete", completed)
    return str(mine["connection_id"]), str(issuer_connection["connection_id"])


async def offers_on(learner: PeerAgent, thread_id: str) -> list[dict[str, Any]]:
    body = await learner.call("GET", "/issue-credential-2.0/records", thread_id=thread_id)
    return [r["cred_ex_record"] for r in body.get("results", [])]


async def wait_offer(learner: PeerAgent, thread_id: str, timeout: float = 60.0) -> dict[str, Any]:  # noqa: ASYNC109
    """The learner's exchange record of the offer on `thread_id`, once it arrived."""

    async def arrived() -> dict[str, Any] | None:
        records = await offers_on(learner, thread_id)
        return records[0] if records else None

    return await poll_until(f"the offer on thread {thread_id} to arrive", arrived, timeout)
