"""The demo issuer, "Open Learning Institute": W3C credentials (Ed25519, BBS, Open Badges)
and revocable AnonCreds course results registered on a did:web it publishes itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

from agent.admin_client import AdminClient
from agent.plugins.didweb_anoncreds.identifiers import did_web_for
from agent.plugins.didweb_anoncreds.publisher import write_did_document
from agent.process import AcaPyProcess
from demo.peer_agent import PeerAgent, poll_until
from demo.peer_credentials import LdKind, ld_offer_filter
from demo.peer_didweb import DidWebHostProcess

ISSUER_LABEL = "Open Learning Institute"
COURSE_SCHEMA_NAME = "Course result"
COURSE_ATTRIBUTES = ("course_title", "provider", "score", "completion_date", "learner_name")
REVOCATION_REGISTRY_SIZE = 100


class IssuerPeer(PeerAgent):
    """Issues on request of the test or demo; every identifier is made once and kept here."""

    def __init__(self, process: AcaPyProcess, client: AdminClient) -> None:
        super().__init__(process, client)
        self.ed25519_did = ""
        self.bbs_did = ""
        self.didweb_did = ""
        self.publish_dir = Path()
        self.schema_id = ""
        self.cred_def_id = ""

    async def prepare(self, host: DidWebHostProcess, slug: str) -> None:
        """Make both did:keys, publish the did:web identity, register schema and cred def."""
        await self.make_did_keys()
        port = int(host.origin.rsplit(":", 1)[1])
        self.didweb_did = did_web_for("127.0.0.1", port, "issuers", slug)
        write_did_document(host.root, self.didweb_did, f"{host.origin}/issuers/{slug}/anoncreds")
        self.schema_id = await self._register_schema()
        self.cred_def_id = await self._register_cred_def(self.schema_id)

    async def make_did_keys(self) -> None:
        """The Ed25519 and BBS did:keys W3C credentials are signed with (all a W3C issuer needs)."""
        self.ed25519_did = await self._did_key("ed25519")
        self.bbs_did = await self._did_key("bls12381g2")

    async def _did_key(self, key_type: str) -> str:
        body = {"method": "key", "options": {"key_type": key_type}}
        return str((await self.call("POST", "/wallet/did/create", body))["result"]["did"])

    async def _register_schema(self) -> str:
        schema = {
            "attrNames": list(COURSE_ATTRIBUTES),
            "issuerId": self.didweb_did,
            "name": COURSE_SCHEMA_NAME,
            "version": "1.0",
        }
        result = await self.call("POST", "/anoncreds/schema", {"schema": schema})
        return str(result["schema_state"]["schema_id"])

    async def _register_cred_def(self, schema_id: str) -> str:
        body = {
            "credential_definition": {
                "issuerId": self.didweb_did,
                "schemaId": schema_id,
                "tag": "course-result",
            },
            "options": {
                "support_revocation": True,
                "revocation_registry_size": REVOCATION_REGISTRY_SIZE,
            },
        }
        result = await self.call("POST", "/anoncreds/credential-definition", body)
        state = result["credential_definition_state"]
        cred_def_id = str(state["credential_definition_id"])
        path = f"/anoncreds/revocation/active-registry/{quote(cred_def_id, safe='')}"

        async def active_registry() -> Any:
            return (await self.call("GET", path)).get("result")

        # ACA-Py creates the revocation registry in the background; offers fail until then.
        await poll_until("an active revocation registry", active_registry, timeout=120)
        return cred_def_id

    def ld_issuer_did(self, kind: LdKind) -> str:
        return self.bbs_did if kind == "bbs" else self.ed25519_did

    async def offer_ld_credential(
        self, connection_id: str, kind: LdKind, subject: dict[str, Any]
    ) -> str:
        """Offer a W3C credential (no subject id: the holder binds it); the cred_ex_id."""
        offer = ld_offer_filter(kind, self.ld_issuer_did(kind), self.label, subject)
        body = {"connection_id": connection_id, "filter": offer, "auto_remove": False}
        record = await self.call("POST", "/issue-credential-2.0/send-offer", body)
        return str(record["cred_ex_id"])

    async def offer_anoncreds(self, connection_id: str, attributes: dict[str, str]) -> str:
        """Offer a revocable "Course result" AnonCreds credential; the cred_ex_id."""
        preview = {
            "@type": "issue-credential/2.0/credential-preview",
            "attributes": [{"name": k, "value": str(v)} for k, v in attributes.items()],
        }
        body = {
            "connection_id": connection_id,
            "credential_preview": preview,
            "filter": {"anoncreds": {"cred_def_id": self.cred_def_id}},
            "auto_remove": False,
        }
        record = await self.call("POST", "/issue-credential-2.0/send-offer", body)
        return str(record["cred_ex_id"])

    async def revoke(self, cred_ex_id: str, notify: bool = True) -> None:
        """Revoke and publish at once; with notify, the holder gets an RFC 0183 notice."""
        body: dict[str, Any] = {"cred_ex_id": cred_ex_id, "publish": True, "notify": notify}
        if notify:
            record = await self.cred_record(cred_ex_id)
            body["connection_id"] = record["cred_ex_record"]["connection_id"]
            body["thread_id"] = record["cred_ex_record"]["thread_id"]
            body["notify_version"] = "v1_0"
        await self.call("POST", "/anoncreds/revocation/revoke", body)


def issuer_args(host: DidWebHostProcess, slug: str) -> list[str]:
    """Flags of the issuer: it answers its own side of each protocol by itself."""
    publish_dir = host.root / "issuers" / slug / "anoncreds"
    return [
        "--plugin-config-value", f"didweb_anoncreds.publish_dir={publish_dir}",
        "--tails-server-base-url", f"{host.origin}/tails",
        "--tails-server-upload-url", f"{host.origin}/tails",
        "--auto-accept-requests",
        "--auto-respond-credential-proposal",
        "--auto-respond-credential-request",
        "--auto-verify-presentation",
        "--notify-revocation",
        "--preserve-exchange-records",
    ]  # fmt: skip


async def start_issuer(
    base_dir: Path, host: DidWebHostProcess, label: str = ISSUER_LABEL
) -> IssuerPeer:
    """Start the issuer on free ports and register everything it issues with."""
    slug = label.lower().replace(" ", "-")
    issuer = await IssuerPeer.start(label, base_dir, issuer_args(host, slug), env=host.agent_env)
    issuer.publish_dir = host.root / "issuers" / slug / "anoncreds"
    try:
        await issuer.prepare(host, slug)
    except BaseException:
        await asyncio.shield(issuer.stop())
        raise
    return issuer
