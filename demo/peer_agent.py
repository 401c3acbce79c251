"""A test or demo peer (issuer, verifier, mediator): an ACA-Py we start and drive ourselves.

The peers run through the same supervisor as the learner's agent (`AcaPyProcess`) and talk
through the same admin client, so tests exercise the one way we start and call ACA-Py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

from aries_askar import Store

from agent.admin_client import AdminApiError, AdminClient
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets, AcaPyStartError, log_path
from config.acapy_args import CORE_PLUGINS, AcaPyLaunch

DIDEXCHANGE_1_1 = "https://didcomm.org/didexchange/1.1"
RecordKind = Literal["connection", "credential", "presentation"]
PORT_ATTEMPTS = 3
RECORD_PATHS: dict[RecordKind, str] = {
    "connection": "/connections/{}",
    "credential": "/issue-credential-2.0/records/{}",
    "presentation": "/present-proof-2.0/records/{}",
}


async def poll_until[T](
    what: str,
    probe: Callable[[], Awaitable[T | None]],
    timeout: float = 60.0,  # noqa: ASYNC109
) -> T:
    """Poll `probe` until it returns something truthy; fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = await probe()
        except AdminApiError as error:  # a record may not exist yet
            last = error
        if last and not isinstance(last, Exception):
            return last
        await asyncio.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}; last: {last!r}")


def decode_invitation(url: str) -> dict[str, Any]:
    """The out-of-band invitation carried in `url` (`?oob=`), for peers we made ourselves."""
    encoded = parse_qs(urlsplit(url).query)["oob"][0]
    padded = encoded + "=" * (-len(encoded) % 4)
    return dict(json.loads(base64.urlsafe_b64decode(padded)))


def invitation_msg_id(url: str) -> str:
    """The `@id` of the out-of-band invitation carried in `url`."""
    return str(decode_invitation(url)["@id"])


def record_state(record: dict[str, Any]) -> str | None:
    """The state of any exchange record; issue-credential v2 nests it in `cred_ex_record`."""
    inner = record.get("cred_ex_record")
    return (inner if isinstance(inner, dict) else record).get("state")


class PeerAgent:
    """One ACA-Py peer on loopback with its admin client; stop it with `stop()`."""

    def __init__(self, process: AcaPyProcess, client: AdminClient) -> None:
        self.process = process
        self.client = client

    @classmethod
    async def start(
        cls,
        label: str,
        base_dir: Path,
        extra_args: Iterable[str] = (),
        *,
        env: dict[str, str] | None = None,
        plugins: tuple[str, ...] = CORE_PLUGINS,
    ) -> Self:
        """Start on free loopback ports, picking again if one was taken before ACA-Py bound it."""
        slug = label.lower().replace(" ", "-")
        launch = AcaPyLaunch(
            label=label,
            acapy_home=base_dir / slug,
            wallet_name=f"{slug}-{uuid.uuid4().hex[:8]}",
            admin_port=free_port(),
            inbound_port=free_port(),
            log_file=log_path(base_dir, slug),
            plugins=plugins,
            extra_args=("--no-ledger", *extra_args),
            extra_env=dict(env or {}),
        )
        secrets = AcaPySecrets(wallet_key=Store.generate_raw_key())
        for attempt in range(1, PORT_ATTEMPTS + 1):
            process = AcaPyProcess(launch, secrets, restart_limit=0)
            try:
                await process.start()
                break
            except AcaPyStartError as error:
                if not error.port_in_use or attempt == PORT_ATTEMPTS:
                    raise
                launch = launch.with_ports(free_port(), free_port())
        return cls(process, AdminClient(process.admin_url, process.admin_key))

    async def stop(self) -> None:
        """Close the client and stop the process by its handle (SIGTERM, then SIGKILL)."""
        await self.client.close()
        await self.process.stop()

    @property
    def label(self) -> str:
        return self.process.launch.label

    @property
    def endpoint(self) -> str:
        """The DIDComm endpoint this peer advertises."""
        return self.process.launch.advertised_endpoint

    @property
    def pid(self) -> int | None:
        return self.process.pid

    async def call(self, method: str, path: str, body: Any = None, **params: str | int) -> Any:
        """One admin API call through the shared client."""
        return await self.client.request(method, path, json=body, params=params or None)

    async def create_invitation(
        self,
        alias: str | None = None,
        use_public_did: bool = False,
        *,
        multi_use: bool = False,
        handshake_protocols: tuple[str, ...] = (DIDEXCHANGE_1_1,),
        use_did_method: Literal["did:peer:2", "did:peer:4"] | None = None,
    ) -> str:
        """An out-of-band invitation URL (`?oob=`) that this peer accepts by itself.

        With `use_did_method` the service is a DID this peer reuses for every such
        invitation, so an invitee that already knows it can reuse its connection.
        """
        body: dict[str, Any] = {
            "handshake_protocols": list(handshake_protocols),
            "use_public_did": use_public_did,
            "alias": alias or self.label,
        }
        if use_did_method:
            body["use_did_method"] = use_did_method
        params = {"auto_accept": "true", "multi_use": str(multi_use).lower()}
        record = await self.call("POST", "/out-of-band/create-invitation", body, **params)
        return str(record["invitation_url"])

    async def receive_invitation(self, invitation: dict[str, Any], alias: str | None = None) -> Any:
        """Accept someone else's out-of-band invitation (e.g. the learner's own)."""
        params = {"auto_accept": "true", "use_existing_connection": "false"}
        if alias:
            params["alias"] = alias
        return await self.call("POST", "/out-of-band/receive-invitation", invitation, **params)

    async def connection_for(self, invitation_msg_id: str) -> dict[str, Any] | None:
        """The connection made from one of our invitations, if someone answered it."""
        body = await self.call("GET", "/connections", invitation_msg_id=invitation_msg_id)
        results = body.get("results", [])
        return results[0] if results else None

    async def wait_connection_active(
        self,
        invitation_msg_id: str,
        timeout: float = 60.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the connection made from our invitation is active."""

        async def active() -> dict[str, Any] | None:
            record = await self.connection_for(invitation_msg_id)
            return record if record and record.get("state") == "active" else None

        return await poll_until(f"{self.label}: active connection", active, timeout)

    async def wait_own_connection_active(
        self,
        connection_id: str,
        timeout: float = 60.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until our connection record `connection_id` is active; say its state if not.

        By id rather than by DID: ids never change, while a did:peer:4 is stored long
        and then short as the exchange goes on.
        """
        seen: dict[str, Any] = {}

        async def active() -> dict[str, Any] | None:
            record = await self.record("connection", connection_id)
            seen.update(record)
            return record if record.get("state") == "active" else None

        try:
            return await poll_until(f"{self.label}: connection {connection_id}", active, timeout)
        except TimeoutError as error:
            state = f"state {seen.get('state')!r}, rfc23_state {seen.get('rfc23_state')!r}"
            raise TimeoutError(f"{error}; the record was last in {state}") from None

    async def record(self, kind: RecordKind, record_id: str) -> dict[str, Any]:
        return await self.call("GET", RECORD_PATHS[kind].format(record_id))

    async def cred_record(self, cred_ex_id: str) -> dict[str, Any]:
        return await self.record("credential", cred_ex_id)

    async def pres_record(self, pres_ex_id: str) -> dict[str, Any]:
        return await self.record("presentation", pres_ex_id)

    async def wait_state(
        self,
        kind: RecordKind,
        record_id: str,
        states: Iterable[str],
        timeout: float = 60.0,  # noqa: ASYNC109 (a deadline named in the failure)
    ) -> dict[str, Any]:
        """Wait until a record reaches one of `states`; return the record."""
        wanted = set(states)

        async def reached() -> dict[str, Any] | None:
            record = await self.record(kind, record_id)
            return record if record_state(record) in wanted else None

        what = f"{self.label}: {kind} {record_id} in {sorted(wanted)}"
        return await poll_until(what, reached, timeout)
