"""Reads, deletes and checks credentials at ACA-Py, which stays the truth about them.

Both of ACA-Py's holder stores are reached through the admin API: AnonCreds at
`/credential(s)`, W3C at `/credential(s)/w3c`. What a credential does not say about
itself (who sent it, when, the schema's name) is looked up here once, when it is indexed.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import (
    AnonCredsCredentialInfo,
    CredentialExchangeDetail,
    W3CCredentialQuery,
    W3CCredentialRecord,
)
from agent.connection_cache import ConnectionCache
from wallet.credentials.models import CredentialId, CredentialStatus, StoredCredential
from wallet.credentials.normalize import from_anoncreds, from_w3c, parse_date
from wallet.credentials.status_list import StatusListChecker
from wallet.credentials.status_source import wallet_status_lists

LOGGER = logging.getLogger(__name__)
PAGE = 100
# ACA-Py's W3C list has no offset, and without `max_results` it answers only 100: one call
# with a cap far above any wallet reads them all (streamed, see `each_record`). Reaching
# the cap is logged, never silent.
MAX_W3C = 1_000_000

AcaPyRecord = AnonCredsCredentialInfo | W3CCredentialRecord


@dataclass(frozen=True)
class Origin:
    """Where a credential came from: the connection (and its label) and when it arrived."""

    connection_id: str | None = None
    issuer_label: str | None = None
    received: datetime | None = None


class CredentialNotFound(Exception):
    """ACA-Py holds no credential with this id."""


class CredentialSource:
    def __init__(
        self,
        client: AdminClient,
        connections: ConnectionCache | None = None,
        status_lists: StatusListChecker | None = None,
    ) -> None:
        self._client = client
        self._connections = connections or ConnectionCache(client)
        self._status_lists = status_lists or wallet_status_lists(client)
        self._schema_names: dict[str, str | None] = {}

    async def records(self) -> dict[str, AcaPyRecord]:
        """Every stored credential by our id (all held at once: prefer `each_record`)."""
        return {key: record async for key, record in self.each_record()}

    async def each_record(self) -> AsyncIterator[tuple[str, AcaPyRecord]]:
        """Every stored credential with our id, one at a time (nothing kept here).

        AnonCreds is walked page by page; W3C comes in one answer decoded as it arrives,
        so a wallet of 10,000 never holds all its documents in the controller at once.
        """
        offset = 0
        while True:
            page = await self._client.list_anoncreds_credentials(offset=offset, limit=PAGE)
            for info in page:
                yield f"anoncreds:{info.referent}", info
            if len(page) < PAGE:
                break
            offset += PAGE
        count = 0
        query = W3CCredentialQuery(max_results=MAX_W3C)
        async for record in self._client.iter_w3c_credentials(query):
            count += 1
            yield f"w3c:{record.record_id}", record
        if count >= MAX_W3C:
            LOGGER.warning("ACA-Py listed %d W3C credentials, its cap: some may be unseen", count)

    async def record(self, credential_id: CredentialId) -> AcaPyRecord:
        try:
            if credential_id.format == "anoncreds":
                return await self._client.anoncreds_credential(credential_id.acapy_id)
            return await self._client.w3c_credential(credential_id.acapy_id)
        except AdminApiError as error:
            if error.status == 404:
                raise CredentialNotFound(str(credential_id)) from None
            raise

    async def delete(self, credential_id: CredentialId) -> None:
        try:
            if credential_id.format == "anoncreds":
                await self._client.delete_anoncreds_credential(credential_id.acapy_id)
            else:
                await self._client.delete_w3c_credential(credential_id.acapy_id)
        except AdminApiError as error:
            if error.status == 404:
                raise CredentialNotFound(str(credential_id)) from None
            raise

    async def normalize(
        self, record: AcaPyRecord, origin: Origin, *, check_revocation: bool = True
    ) -> StoredCredential:
        """The normalized view, with the schema name and (if asked) the status list's word."""
        if isinstance(record, W3CCredentialRecord):
            credential = from_w3c(
                record,
                issuer_label=origin.issuer_label,
                connection_id=origin.connection_id,
                received=origin.received,
            )
            if check_revocation and credential.status_lists:
                listed = await self.current_status(credential)
                credential = credential.model_copy(update={"status": listed})
            return credential
        status: CredentialStatus | None = None
        if check_revocation and record.rev_reg_id and record.cred_rev_id:
            status = await self.revocation_status(record.referent)
        return from_anoncreds(
            record,
            schema_name=await self.schema_name(record.schema_id),
            issuer_label=origin.issuer_label,
            connection_id=origin.connection_id,
            received=origin.received,
            status=status,
        )

    async def current_status(
        self, credential: StoredCredential, *, fresh: bool = False
    ) -> CredentialStatus:
        """The issuer's word now: its W3C status list (`fresh`: not a recent copy), else its
        AnonCreds registry (always asked)."""
        if credential.status_lists:
            return await self._status_lists.status_of(
                credential.status_lists, credential.issuer_did, fresh=fresh
            )
        return await self.revocation_status(credential.acapy_id)

    async def revocation_status(self, acapy_id: str) -> CredentialStatus:
        """`revoked` or `valid` from the issuer's status list; `unknown` if it cannot be read."""
        try:
            revoked = await self._client.anoncreds_credential_revoked(acapy_id)
        except AdminApiError as error:
            LOGGER.warning("revocation status of a credential unreadable: %s", error)
            return "unknown"
        return "revoked" if revoked else "valid"

    async def schema_name(self, schema_id: str) -> str | None:
        if schema_id not in self._schema_names:
            try:
                body = await self._client.anoncreds_schema(schema_id)
                self._schema_names[schema_id] = (body.get("schema") or {}).get("name")
            except AdminApiError as error:
                LOGGER.warning("schema %s not resolvable: %s", schema_id, error)
                return _legacy_schema_name(schema_id)
        return self._schema_names[schema_id]

    async def origin_of_exchange(self, detail: CredentialExchangeDetail) -> Origin:
        record = detail.cred_ex_record
        label = await self.label(record.connection_id)
        return Origin(record.connection_id, label, parse_date(record.updated_at))

    async def origins(self) -> dict[str, Origin]:
        """Our credential id → origin, from the holder's kept exchange records."""
        labels = {
            connection.connection_id: self._connections.display_label(connection)
            for connection in await self._client.list_connections()
        }
        origins: dict[str, Origin] = {}
        offset = 0
        while True:
            page = await self._client.list_credential_exchange_details(
                role="holder", state="done", limit=PAGE, offset=offset
            )
            for detail in page:
                key = stored_id_of(detail)
                if key is not None:
                    record = detail.cred_ex_record
                    connection_id = record.connection_id
                    label = labels.get(connection_id) if connection_id else None
                    origins[key] = Origin(connection_id, label, parse_date(record.updated_at))
            if len(page) < PAGE:
                return origins
            offset += PAGE

    async def label(self, connection_id: str | None) -> str | None:
        """The connection's label (cached)."""
        return await self._connections.label(connection_id)


def stored_id_of(detail: CredentialExchangeDetail) -> str | None:
    """Our id (`<format>:<ACA-Py id>`, as /api/credentials and events name it) of the
    credential an exchange stored, if it stored one yet. An `indy` format exchange stores
    into the same AnonCreds holder store."""
    for kind, held in (("anoncreds", detail.anoncreds), ("anoncreds", detail.indy)):
        if held and held.get("cred_id_stored"):
            return f"{kind}:{held['cred_id_stored']}"
    if detail.ld_proof and detail.ld_proof.get("cred_id_stored"):
        return f"w3c:{detail.ld_proof['cred_id_stored']}"
    return None


def _legacy_schema_name(schema_id: str) -> str | None:
    """`<did>:2:<name>:<version>` for Indy schemas; nothing to read in other ids."""
    parts = schema_id.split(":")
    return parts[2] if len(parts) == 4 and parts[1] == "2" else None
