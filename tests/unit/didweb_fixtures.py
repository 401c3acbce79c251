"""A real HTTPS did:web host on loopback, shared by the did:web AnonCreds unit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.plugins.didweb_anoncreds.identifiers import object_id, resource_id
from agent.plugins.didweb_anoncreds.publisher import DirectoryPublisher, write_did_document
from agent.plugins.didweb_anoncreds.resolver import DidWebObjectResolver
from agent.plugins.didweb_anoncreds.settings import DidWebSettings
from demo.didweb_host import DidWebHost, make_test_certificates, write_ca_bundle


@dataclass
class Web:
    """The host, its issuer DID and where to put files so the host serves them."""

    host: DidWebHost
    did: str
    root: Path
    ca_bundle: Path
    publisher: DirectoryPublisher

    def settings(self, **overrides: Any) -> DidWebSettings:
        """Production defaults, our test CA, and no cache unless a test asks for one."""
        values: dict[str, Any] = {
            "ca_file": str(self.ca_bundle),
            "cache_ttl": 0.0,
            "publish_dir": self.publisher.root,
        }
        values.update(overrides)
        return DidWebSettings(**values)

    def resolver(self, **overrides: Any) -> DidWebObjectResolver:
        """A resolver that trusts the test CA."""
        return DidWebObjectResolver(self.settings(**overrides))

    async def publish(self, kind: str, resource: dict[str, Any], did: str | None = None) -> str:
        """Publish as an issuer would and return the object id under `did`."""
        rid = resource_id(resource)
        await self.publisher.publish(f"/{kind}/{rid}", {"resource": resource})
        return object_id(did or self.did, kind, rid)

    def schema(self, name: str = "degree", attrs: list[str] | None = None) -> dict[str, Any]:
        """A schema resource issued by this host's DID."""
        return {
            "issuerId": self.did,
            "name": name,
            "version": "1.0",
            "attrNames": attrs or ["name", "score"],
        }


@pytest.fixture(scope="module", name="web")
async def web_fixture(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Web]:
    """Start the host with a fresh CA and a did.json whose #anoncreds service it serves."""
    base = tmp_path_factory.mktemp("didweb")
    certs = make_test_certificates(base / "tls")
    bundle = write_ca_bundle(certs.ca_cert, base / "ca-bundle.pem")
    root = base / "www"
    root.mkdir()
    host = DidWebHost(root, certs)
    await host.start()
    did = host.did()
    write_did_document(root, did, f"{host.origin}/anoncreds")
    try:
        yield Web(host, did, root, bundle, DirectoryPublisher(root / "anoncreds"))
    finally:
        await host.stop()
