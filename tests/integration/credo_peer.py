"""A real Credo-ts 0.5.19 issuer and verifier (tests/mediators/credo/peer.js) on 127.0.0.1.

`start_credo_peer(data_dir)` starts `node peer.js` beside the mediator's Credo install (same
node_modules, same native Askar), reads the one JSON line it prints once ready and returns a
`CredoPeer` that drives it through its small control API; `stop()` ends it by its own process
handle. JSON-LD contexts come from the wallet's bundled files, never from the network.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import aiohttp

from tests.integration.credo_mediator import (
    CREDO_DIR,
    NATIVE_DIR,
    REPO,
    CredoMediator,
    CredoMediatorStartError,
    spawn_credo_node,
)

SCRIPT = CREDO_DIR / "peer.js"
CONTEXTS = {
    "https://learner-wallet.example/contexts/microcredential/v1": REPO
    / "agent/plugins/jsonld_contexts/contexts/microcredential-v1.jsonld",
}
AutoAccept = Literal["always", "contentApproved", "never"]
START_TIMEOUT = 60.0


class CredoPeerError(RuntimeError):
    """The control API refused a call; the message is Credo's."""


@dataclass
class CredoPeer:
    """One running `node peer.js`: a Credo issuer (Ed25519 did:key) and DIF verifier."""

    process: CredoMediator  # the same process handling (stop by handle, log tail)
    session: aiohttp.ClientSession

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def issuer_did(self) -> str:
        return str(self.process.info["issuer_did"])

    @property
    def label(self) -> str:
        return str(self.process.info["label"])

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"http://127.0.0.1:{self.process.info['control_port']}{path}"
        async with self.session.request(method, url, json=body) as response:
            answer = await response.json()
            if response.status != 200:
                raise CredoPeerError(f"{method} {path}: {response.status} {answer}")
            return answer

    async def create_invitation(self) -> dict[str, str]:
        return dict(await self.call("POST", "/invitations"))

    async def receive_invitation(self, url: str) -> dict[str, Any]:
        return dict(await self.call("POST", "/invitations/receive", {"invitation_url": url}))

    async def connections(self, out_of_band_id: str) -> list[dict[str, Any]]:
        return list(await self.call("GET", f"/connections?out_of_band_id={out_of_band_id}"))

    async def offer(
        self, connection_id: str, credential: dict[str, Any], auto_accept: AutoAccept
    ) -> str:
        body = {
            "connection_id": connection_id,
            "credential": credential,
            "auto_accept": auto_accept,
        }
        return str((await self.call("POST", "/credentials/offer", body))["credential_record_id"])

    async def credential(self, record_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/credentials/{record_id}"))

    async def accept_request(self, record_id: str) -> dict[str, Any]:
        return dict(await self.call("POST", f"/credentials/{record_id}/accept-request"))

    async def request_proof(
        self, connection_id: str, definition: dict[str, Any], auto_accept: AutoAccept = "always"
    ) -> str:
        body = {
            "connection_id": connection_id,
            "presentation_definition": definition,
            "auto_accept": auto_accept,
        }
        return str((await self.call("POST", "/proofs/request", body))["proof_record_id"])

    async def proof(self, record_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/proofs/{record_id}"))

    async def wait(
        self,
        what: str,
        read: Callable[[], Awaitable[dict[str, Any]]],
        states: set[str],
        timeout: float = 30.0,  # noqa: ASYNC109 (a deadline named in the failure)
    ) -> dict[str, Any]:
        """Poll a record until its state is one of `states`; fail naming what was awaited."""
        deadline = time.monotonic() + timeout
        record: dict[str, Any] = {}
        while time.monotonic() < deadline:
            record = await read()
            if record.get("state") in states:
                return record
            await asyncio.sleep(0.2)
        raise AssertionError(
            f"Credo's {what} did not reach {sorted(states)} within {timeout:g} s: {record};"
            f" Credo's log ends:\n{self.process.log_tail()}"
        )

    async def stop(self) -> None:
        await self.session.close()
        await self.process.stop()


async def start_credo_peer(data_dir: Path, *, label: str = "Credo Academy") -> CredoPeer:
    """Start the peer with its wallet in `data_dir` and wait for its ready line."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_file = data_dir / "peer.log"
    args = [str(SCRIPT), "--data-dir", str(data_dir), "--label", label]
    for url, file in CONTEXTS.items():
        args += ["--context", f"{url}={file}"]
    env = {**os.environ, "LIB_ASKAR_PATH": str(NATIVE_DIR)}
    started = time.monotonic()
    handle = await spawn_credo_node(args, data_dir, log_file, env)
    process = handle.process
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
        info = json.loads(line) if line else {}
    except (TimeoutError, ValueError):
        info = {}
    if not info.get("ready"):
        await handle.stop(grace=2)
        raise CredoMediatorStartError(
            f"the Credo peer was not ready within {START_TIMEOUT:g} s; its log ({log_file})"
            f" ends:\n{handle.log_tail()}"
        )
    handle.info = info
    handle.started_in = time.monotonic() - started
    # A fresh connection per call: node closes idle keep-alive sockets after 5 s, and a
    # reused one that it closed fails the next call.
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True),
        timeout=aiohttp.ClientTimeout(total=30),
    )
    return CredoPeer(handle, session)
