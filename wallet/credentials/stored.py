"""The learner's stored credentials: search the index, read and delete at ACA-Py, keep both in step.

The index answers lists and searches; ACA-Py answers detail reads and deletions. Every
write to the index goes through one lock, so the issuance flow, revocation notices and the
start-up reconciliation cannot interleave their read-modify-write steps.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from agent.admin_client import AdminClient
from agent.admin_models import W3CCredentialRecord
from agent.connection_cache import ConnectionCache
from agent.events import AgentEvent, EventBus
from wallet.credentials.claims import claim_tags
from wallet.credentials.in_step import IndexInStep
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import (
    CredentialId,
    CredentialPage,
    CredentialSearch,
    CredentialStatus,
    StoredCredential,
)
from wallet.credentials.normalize import parse_date
from wallet.credentials.source import (
    CredentialNotFound,
    CredentialSource,
    Origin,
    stored_id_of,
)

LOGGER = logging.getLogger(__name__)
STORED_TOPIC = "credential_stored"
REVOKED_TOPIC = "credential_revoked"
DELETED_TOPIC = "credential_deleted"  # the learner deleted one (automatic backups follow)
RevocationSource = Literal["notification", "status-list"]
RECONCILE_BATCH = 200  # credentials indexed per transaction when many arrive at once
MAX_NOTED = 1000  # stored ids learned from webhooks, waiting for their exchange's `done`


class ReconcileReport(BaseModel):
    added: int
    removed: int
    unchanged: int


class StoredCredentials:
    def __init__(
        self,
        client: AdminClient,
        index: CredentialIndex,
        bus: EventBus,
        connections: ConnectionCache | None = None,
    ) -> None:
        self.index = index
        self.source = CredentialSource(client, connections)
        self._client = client
        self._bus = bus
        self._lock = asyncio.Lock()
        self.in_step = IndexInStep()
        self._stored_ids: dict[str, str] = {}  # cred_ex_id -> our id, from webhooks

    async def search(self, search: CredentialSearch) -> CredentialPage:
        page = await self.index.search(search)
        now = datetime.now(UTC)
        return page.model_copy(update={"items": [item.as_of(now) for item in page.items]})

    async def detail(self, credential_id: CredentialId) -> StoredCredential:
        """Fresh from ACA-Py with the raw document; asks the status list when revocable.

        Raises CredentialNotFound (and forgets the index entry) when ACA-Py has no such one.
        """
        key = str(credential_id)
        known = await self.index.get(key)
        try:
            record = await self.source.record(credential_id)
        except CredentialNotFound:
            async with self._lock:
                await self.index.remove(key)
            raise
        origin = _origin_of(known)
        credential = await self.source.normalize(record, origin, check_revocation=False)
        if credential.revocable:
            credential = await self._refresh_revocation(credential, known)
        elif known is None:
            async with self._lock:
                await self.index.put(credential)
        return credential.as_of(datetime.now(UTC))

    async def delete(self, credential_id: CredentialId) -> None:
        """Gone from ACA-Py and from the index; CredentialNotFound if neither had it."""
        key = str(credential_id)
        try:
            await self.source.delete(credential_id)
        except CredentialNotFound:
            async with self._lock:
                if not await self.index.remove(key):
                    raise
        else:
            async with self._lock:
                await self.index.remove(key)
        deleted = {"credential_id": key}
        self._bus.publish(AgentEvent(topic=DELETED_TOPIC, payload=deleted, source="wallet"))

    async def record_imported(
        self, record: W3CCredentialRecord, origin: Origin
    ) -> StoredCredential:
        """Index a credential the learner imported from a file (no exchange names it)."""
        credential = await self.source.normalize(record, origin)
        async with self._lock:
            await self.index.put(credential)
        stored = {"credential_id": credential.id, "title": credential.title, "imported": True}
        self._bus.publish(AgentEvent(topic=STORED_TOPIC, payload=stored, source="wallet"))
        return credential

    def note_stored(self, cred_ex_id: str, key: str) -> None:
        """A webhook named the credential an exchange stored (used once its `done` comes)."""
        if len(self._stored_ids) >= MAX_NOTED:
            self._stored_ids.pop(next(iter(self._stored_ids)))
        self._stored_ids[cred_ex_id] = key

    async def record_issued(
        self, cred_ex_id: str, hint: dict[str, Any] | None = None
    ) -> StoredCredential | None:
        """Index the credential an exchange stored; None while it is not stored yet.

        `hint` is the `done` webhook's payload: with the stored id a format webhook named
        (`note_stored`), the exchange record need not be read again, only the credential.
        """
        key = self._stored_ids.pop(cred_ex_id, None)
        origin: Origin | None = None
        if key is not None and hint is not None:
            connection_id = hint.get("connection_id")
            connection_id = connection_id if isinstance(connection_id, str) else None
            label = await self.source.label(connection_id)
            origin = Origin(connection_id, label, parse_date(hint.get("updated_at")))
        else:
            detail = await self._client.credential_exchange(cred_ex_id)
            key = stored_id_of(detail)
            origin = await self.source.origin_of_exchange(detail) if key else None
        credential_id = CredentialId.parse(key) if key else None
        if credential_id is None or origin is None:
            return None
        try:
            record = await self.source.record(credential_id)
        except CredentialNotFound:
            return None
        credential = await self.source.normalize(record, origin)
        async with self._lock:
            await self.index.put(credential)
        # Lets the UI show the new card once it is indexed, not when the webhook arrives.
        stored = {
            "credential_id": str(credential.id),
            "title": credential.title,
            "cred_ex_id": cred_ex_id,
        }
        self._bus.publish(AgentEvent(topic=STORED_TOPIC, payload=stored, source="wallet"))
        return credential

    async def mark_revoked(
        self,
        rev_reg_id: str,
        cred_rev_id: str,
        source: RevocationSource,
        comment: str | None = None,
    ) -> StoredCredential | None:
        """Mark the credential revoked and tell listeners; None if no stored one matches."""
        found = await self.index.find_by_revocation(rev_reg_id, cred_rev_id)
        if found is None:
            await self.reconcile()  # the notice may have overtaken the issuance webhook
            found = await self.index.find_by_revocation(rev_reg_id, cred_rev_id)
        if found is None:
            LOGGER.info("a revocation notice named no credential in this wallet")
            return None
        return await self._set_revoked(found, source, comment)

    async def check_revocations(self) -> int:
        """Ask the status list about every revocable credential not known to be revoked."""
        revoked = 0
        for credential in await self.index.revocable_not_revoked():
            status = await self.source.current_status(credential)
            if status == "revoked":
                await self._set_revoked(credential, "status-list")
                revoked += 1
            elif status != credential.status:
                async with self._lock:
                    await self.index.set_status(credential.id, status)
        return revoked

    async def reconcile(self) -> ReconcileReport:
        """Compare ids at ACA-Py with the index; only new credentials are normalized.

        ACA-Py's records stream past one at a time: only ids and the (small) summaries of
        new credentials are kept, so a start with 10,000 credentials stays light.
        """
        async with self._lock:
            indexed = await self.index.ids()
            # Claims complete (counts agree): no need to read which ones are there.
            complete = await self.index.claims_complete()
            claimed = indexed if complete else await self.index.claimed_ids()
            seen: set[str] = set()
            added: list[StoredCredential] = []
            unclaimed: dict[str, dict[str, str]] = {}
            origins: dict[str, Origin] | None = None
            async for key, record in self.source.each_record():
                seen.add(key)
                if key in indexed:
                    if isinstance(record, W3CCredentialRecord) and key not in claimed:
                        unclaimed[key] = claim_tags(record.cred_value)  # indexed before claims
                        if len(unclaimed) >= RECONCILE_BATCH:
                            await self.index.put_claims(unclaimed)
                            unclaimed = {}
                    continue
                if origins is None:
                    origins = await self.source.origins()
                added.append(await self.source.normalize(record, origins.get(key, Origin())))
            gone = indexed - seen
            ordered = sorted(added, key=lambda item: item.sort_key)
            for start in range(0, len(ordered), RECONCILE_BATCH):
                await self.index.put_many(ordered[start : start + RECONCILE_BATCH])
            for key in gone:
                await self.index.remove(key)
            if unclaimed:
                await self.index.put_claims(unclaimed)
            orphans = set() if complete else claimed - seen
            if orphans:
                await self.index.drop_claims(orphans)
        self.in_step.reconciled()
        return ReconcileReport(
            added=len(added), removed=len(gone), unchanged=len(indexed) - len(gone)
        )

    async def note_status(self, credential: StoredCredential, status: CredentialStatus) -> None:
        """What a status list said just now (before a presentation): kept in the index."""
        if status == "revoked":
            await self._set_revoked(credential, "status-list")
        elif status != credential.status:
            async with self._lock:
                await self.index.set_status(credential.id, status)

    async def _refresh_revocation(
        self, credential: StoredCredential, known: StoredCredential | None
    ) -> StoredCredential:
        """A revoked mark is kept (the issuer said so); otherwise the status list decides."""
        if known is not None and known.status == "revoked":
            return credential.model_copy(update={"status": "revoked"})
        status = await self.source.current_status(credential, fresh=True)  # asked for it
        credential = credential.model_copy(update={"status": status})
        if status == "revoked":
            await self._set_revoked(credential, "status-list", index_first=known is None)
        elif known is None or known.status != status:
            async with self._lock:
                await self.index.put(credential)
        return credential

    async def _set_revoked(
        self,
        credential: StoredCredential,
        source: RevocationSource,
        comment: str | None = None,
        *,
        index_first: bool = False,
    ) -> StoredCredential:
        async with self._lock:
            before = await self.index.get(credential.id)
            if index_first:
                await self.index.put(credential)
            updated = await self.index.set_status(credential.id, "revoked")
        if updated is None:
            return credential
        if before is None or before.status != "revoked":
            LOGGER.info("credential %s is revoked (learned from the %s)", updated.id, source)
            payload = {"id": updated.id, "title": updated.title, "source": source}
            if comment:
                payload["comment"] = comment
            self._bus.publish(AgentEvent(topic=REVOKED_TOPIC, payload=payload, source="wallet"))
        return updated


def _origin_of(known: StoredCredential | None) -> Origin:
    if known is None:
        return Origin()
    return Origin(known.connection_id, known.issuer_label, known.received)
