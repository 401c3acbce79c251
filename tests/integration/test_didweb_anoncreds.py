"""did:web AnonCreds with real ACA-Py: register, resolve elsewhere, issue, prove, revoke.

The issuer publishes into the directory an HTTPS host on loopback serves (test CA made at
run time); the holder resolves through the same plugin. The issuer also verifies, which
saves a third agent.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aries_askar import Store

from agent.plugins.didweb_anoncreds.identifiers import parse_object_id
from agent.plugins.didweb_anoncreds.publisher import write_did_document
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets
from config.acapy_args import AcaPyLaunch
from demo.didweb_host import DidWebHost, make_test_certificates, write_ca_bundle

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
PLUGIN = "agent.plugins.didweb_anoncreds"


class Admin:
    """Just enough admin API for this test (the real client lives in agent/admin_client)."""

    def __init__(self, process: AcaPyProcess) -> None:
        self._url = process.admin_url
        self._session = aiohttp.ClientSession(headers={"x-api-key": process.admin_key})

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        async with self._session.request(method, self._url + path, json=body) as response:
            text = await response.text()
            assert response.status == 200, f"{method} {path}: {response.status} {text}"
            return json.loads(text)

    async def close(self) -> None:
        await self._session.close()


@dataclass
class Peers:
    did: str
    root: Path
    issuer: Admin
    holder: Admin


def _agent(label: str, base: Path, args: list[str], env: dict[str, str]) -> AcaPyProcess:
    launch = AcaPyLaunch(
        label=label,
        acapy_home=base / label,
        wallet_name=f"{label}-{uuid.uuid4().hex[:8]}",
        admin_port=free_port(),
        inbound_port=free_port(),
        log_file=base / f"{label}.log",
        plugins=(PLUGIN,),
        extra_args=("--no-ledger", "--auto-accept-invites", "--auto-accept-requests", *args),
        extra_env=env,
    )
    return AcaPyProcess(launch, AcaPySecrets(wallet_key=Store.generate_raw_key()))


@pytest.fixture(scope="module")
async def peers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Peers]:
    """An HTTPS did:web host, an issuer publishing into it and a holder."""
    base = tmp_path_factory.mktemp("didweb-acapy")
    certs = make_test_certificates(base / "tls")
    bundle = str(write_ca_bundle(certs.ca_cert, base / "ca-bundle.pem"))
    root = base / "www"
    root.mkdir()
    host = DidWebHost(root, certs, accept_tails_uploads=True)
    await host.start()
    did = host.did()
    write_did_document(root, did, f"{host.origin}/anoncreds")
    # aiohttp reads SSL_CERT_FILE; tails downloads use requests, which reads REQUESTS_CA_BUNDLE.
    env = {"SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "PYTHONPATH": str(REPO)}
    issuer = _agent(
        "issuer",
        base,
        [
            "--plugin-config-value", f"didweb_anoncreds.publish_dir={root / 'anoncreds'}",
            "--tails-server-base-url", f"{host.origin}/tails",
            "--tails-server-upload-url", f"{host.origin}/tails",
            "--auto-respond-credential-request", "--auto-verify-presentation",
        ],
        env,
    )  # fmt: skip
    holder = _agent(
        "holder",
        base,
        [
            "--auto-respond-credential-offer", "--auto-store-credential",
            "--auto-respond-presentation-request",
        ],
        env,
    )  # fmt: skip
    processes = [issuer, holder]
    admins: list[Admin] = []
    try:
        await asyncio.gather(*(process.start() for process in processes))
        admins = [Admin(issuer), Admin(holder)]
        yield Peers(did, root, *admins)
    finally:
        for admin in admins:
            await admin.close()
        await asyncio.gather(*(process.stop() for process in processes), return_exceptions=True)
        await host.stop()


async def _until[T](what: str, probe: Callable[[], Awaitable[T | None]], seconds: float = 60) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


async def _register(peers: Peers, revocable: bool) -> tuple[str, str]:
    schema = {"attrNames": ["name", "score"], "issuerId": peers.did, "version": "1.0"}
    schema["name"] = f"degree-{uuid.uuid4().hex[:6]}"
    result = await peers.issuer.call("POST", "/anoncreds/schema", {"schema": schema})
    schema_id = result["schema_state"]["schema_id"]
    options = {"support_revocation": revocable, "revocation_registry_size": 10}
    body = {"issuerId": peers.did, "schemaId": schema_id, "tag": "default"}
    result = await peers.issuer.call(
        "POST",
        "/anoncreds/credential-definition",
        {"credential_definition": body, "options": options},
    )
    state = result["credential_definition_state"]
    assert state["state"] == "finished"
    return schema_id, state["credential_definition_id"]


async def test_holder_resolves_what_the_issuer_registered(peers: Peers) -> None:
    schema_id, cred_def_id = await _register(peers, revocable=False)

    assert "?service=anoncreds&relativeRef=/schema/" in schema_id
    schema = await peers.holder.call("GET", f"/anoncreds/schema/{quote(schema_id, safe='')}")
    assert schema["schema"]["attrNames"] == ["name", "score"]
    assert schema["schema"]["issuerId"] == peers.did
    cred_def = await peers.holder.call(
        "GET", f"/anoncreds/credential-definition/{quote(cred_def_id, safe='')}"
    )
    assert cred_def["credential_definition"]["schemaId"] == schema_id


async def _connect(peers: Peers) -> str:
    created = await peers.issuer.call(
        "POST",
        "/out-of-band/create-invitation?auto_accept=true",
        {"handshake_protocols": ["https://didcomm.org/didexchange/1.1"]},
    )
    await peers.holder.call(
        "POST", "/out-of-band/receive-invitation?auto_accept=true", created["invitation"]
    )
    query = f"/connections?invitation_msg_id={created['invitation']['@id']}&state=active"

    async def active() -> str | None:
        results = (await peers.issuer.call("GET", query))["results"]
        return results[0]["connection_id"] if results else None

    return await _until("an active connection", active)


async def _prove(peers: Peers, connection_id: str, cred_def_id: str) -> str:
    now = int(time.time())
    restriction = [{"cred_def_id": cred_def_id}]
    request = {
        "name": "admission",
        "version": "1.0",
        "requested_attributes": {"n": {"name": "name", "restrictions": restriction}},
        "requested_predicates": {
            "s": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": restriction}
        },
        "non_revoked": {"from": now, "to": now},
    }
    body = {
        "connection_id": connection_id,
        "presentation_request": {"anoncreds": request},
        "auto_remove": False,  # keep the record to read `verified` once it is done
    }
    record = await peers.issuer.call("POST", "/present-proof-2.0/send-request", body)
    path = f"/present-proof-2.0/records/{record['pres_ex_id']}"

    async def finished() -> dict[str, Any] | None:
        current = await peers.issuer.call("GET", path)
        return current if current["state"] in {"done", "abandoned"} else None

    return str((await _until("the verified presentation", finished)).get("verified"))


async def test_revocable_credential_proves_until_revoked(peers: Peers) -> None:
    _, cred_def_id = await _register(peers, revocable=True)
    connection_id = await _connect(peers)
    preview = {
        "@type": "issue-credential/2.0/credential-preview",
        "attributes": [{"name": "name", "value": "Alice"}, {"name": "score", "value": "85"}],
    }
    offer = {
        "connection_id": connection_id,
        "credential_preview": preview,
        "filter": {"anoncreds": {"cred_def_id": cred_def_id}},
    }
    exchange = await peers.issuer.call("POST", "/issue-credential-2.0/send", offer)

    async def stored() -> list[dict[str, Any]] | None:
        results = (await peers.holder.call("GET", "/credentials"))["results"]
        return [c for c in results if c["cred_def_id"] == cred_def_id] or None

    credential = (await _until("the holder to store the credential", stored))[0]
    assert "relativeRef=/revRegDef/" in credential["rev_reg_id"]
    assert await _prove(peers, connection_id, cred_def_id) == "true"

    revoke = {"cred_ex_id": exchange["cred_ex_id"], "publish": True}
    await peers.issuer.call("POST", "/anoncreds/revocation/revoke", revoke)
    rid = parse_object_id(credential["rev_reg_id"]).rid
    versions = peers.root / "anoncreds" / "revStatus" / rid

    async def published_and_past() -> bool:
        stamps = [int(path.name) for path in versions.iterdir()]
        # Two versions, and "now" is past the newest so a request as of now sees it.
        return len(stamps) == 2 and int(time.time()) > max(stamps)

    await _until("the revocation to be published as a second status list", published_and_past)
    assert await _prove(peers, connection_id, cred_def_id) == "false"
