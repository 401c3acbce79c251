"""The credential index in the controller's encrypted Askar store.

Lists and searches run as Askar tag queries with offset and limit, never by loading every
credential into Python. Each credential has three entries under the same name:
- `credential-index`: the summary, with a few tags (format, issuer, status, revocation key);
- `credential-words`: no value, the filter tags plus one `w:<prefix>` tag per word prefix;
- `credential-ids`: nothing but the name, so reconciliation reads ids cheaply.
Words live apart because Askar reads every tag of each row an `offset` skips: plain lists
stay fast, and a word search only skips over rows that match it.

Askar can only order by insertion (`order_by="id"`), so entries are kept in issue-date
order: a credential older than some already indexed is inserted, and the newer ones are
moved after it, in one transaction. Credentials usually arrive newest last, so that move
is rare and short.

A plain list does not scan: `CredentialOrder` mirrors that order in memory, updated
after each write of this index (so: one index object per store), and a page is a slice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aries_askar import Entry, Session, Store

from wallet.credentials.models import (
    CredentialPage,
    CredentialSearch,
    CredentialStatus,
    StoredCredential,
)
from wallet.credentials.order import CredentialOrder, read_order
from wallet.credentials.search_tags import (
    index_tags,
    query_words,
    revocation_key,
    search_filter,
    word_tags,
)

INDEX_CATEGORY = "credential-index"
WORDS_CATEGORY = "credential-words"
IDS_CATEGORY = "credential-ids"
FIRST_BATCH = 1
MAX_CACHED_COUNTS = 256


@dataclass(frozen=True)
class _Moved:
    """A newer credential's entries, lifted out to be put back after an older arrival."""

    name: str
    value: bytes
    tags: dict[str, str]
    word_tags: dict[str, str] | None


class CredentialIndex:
    """Summaries of stored credentials with encrypted tags for filtering and word search."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # Counts by (category, filter), dropped on every write: Askar's count reads every
        # matching row (tens of ms at 10,000), and a list asks for the same count per page.
        self._counts: dict[tuple[str, str], int] = {}
        self._writes = 0  # a count read across a write is not kept
        self._order: CredentialOrder | None = None  # loaded on first use (or by `warm`)
        self._order_loading = asyncio.Lock()

    async def put(self, credential: StoredCredential) -> None:
        """Add or update one credential, keeping the store in newest-first order."""
        await self.put_many([credential])

    async def put_many(self, credentials: Iterable[StoredCredential]) -> None:
        """Several in one transaction (one disk sync); oldest first moves nothing."""
        summaries = [credential.summary() for credential in credentials]
        self._written()
        try:
            async with self._store.transaction() as txn:
                newest = await _newest_sort_key(txn)
                for summary in summaries:
                    newest = await _put(txn, summary, newest)
                await txn.commit()
        except BaseException:
            self._order = None  # not sure what was written: read the order again
            raise
        finally:
            self._written()
        if self._order is not None:
            for summary in summaries:
                self._order.place(summary.id, summary.sort_key)

    async def get(self, credential_id: str) -> StoredCredential | None:
        async with self._store.session() as session:
            entry = await session.fetch(INDEX_CATEGORY, credential_id)
        return _summary_of(entry) if entry is not None else None

    async def remove(self, credential_id: str) -> bool:
        """True if it was indexed."""
        try:
            async with self._store.transaction() as txn:
                found = await _remove(txn, INDEX_CATEGORY, credential_id)
                await _remove(txn, WORDS_CATEGORY, credential_id)
                await _remove(txn, IDS_CATEGORY, credential_id)
                await txn.commit()
        except BaseException:
            self._order = None
            raise
        finally:
            self._written()
        if self._order is not None:
            self._order.remove(credential_id)
        return found

    async def set_status(
        self, credential_id: str, status: CredentialStatus
    ) -> StoredCredential | None:
        """Change the status in place (the position does not change); None if not indexed."""
        async with self._store.transaction() as txn:
            entry = await txn.fetch(INDEX_CATEGORY, credential_id, for_update=True)
            if entry is None:
                return None
            updated = _summary_of(entry).model_copy(update={"status": status})
            await txn.replace(INDEX_CATEGORY, credential_id, _value(updated), index_tags(updated))
            await txn.commit()
        self._written()  # the status tag changed
        return updated

    async def search(self, search: CredentialSearch) -> CredentialPage:
        """One page of matches, newest first, with the count of all matches."""
        category = WORDS_CATEGORY if query_words(search.q) else INDEX_CATEGORY
        tag_filter = search_filter(search) or None
        if category == INDEX_CATEGORY and tag_filter is None:
            return await self._plain_page(search)
        total = await self._count(category, tag_filter)
        scan = self._store.scan(
            category,
            tag_filter,
            offset=search.offset,
            limit=search.limit,
            order_by="id",
            descending=True,
        )
        if category == INDEX_CATEGORY:
            items = [_summary_of(entry) async for entry in scan]
        else:
            names = [entry.name async for entry in scan]
            found = [await self.get(name) for name in names]
            items = [item for item in found if item is not None]
        return CredentialPage(items=items, total=total, limit=search.limit, offset=search.offset)

    async def warm(self) -> None:
        """Read the order now (at start-up) so the first list does not pay for it."""
        await self._ordered()

    async def _plain_page(self, search: CredentialSearch) -> CredentialPage:
        """Every credential, newest first: a slice of the order, fetched by name."""
        order = await self._ordered()
        names = order.newest_first(search.offset, search.limit)
        async with self._store.session() as session:
            entries = [await session.fetch(INDEX_CATEGORY, name) for name in names]
        items = [_summary_of(entry) for entry in entries if entry is not None]
        total, offset = len(order), search.offset
        return CredentialPage(items=items, total=total, limit=search.limit, offset=offset)

    async def _ordered(self) -> CredentialOrder:
        """The order in memory; read again if a write landed while it was being read."""
        async with self._order_loading:
            while self._order is None:
                writes = self._writes
                order = await read_order(self._store, INDEX_CATEGORY)
                if writes == self._writes:
                    self._order = order
            return self._order

    async def find_by_revocation(
        self, rev_reg_id: str, cred_rev_id: str
    ) -> StoredCredential | None:
        key = revocation_key(rev_reg_id, cred_rev_id)
        async with self._store.session() as session:
            entries = await session.fetch_all(INDEX_CATEGORY, {"revocation": key}, limit=1)
        return _summary_of(entries[0]) if len(entries) else None

    async def revocable_not_revoked(self, limit: int = 1000) -> list[StoredCredential]:
        """Credentials whose status list is worth asking about again."""
        tag_filter: dict[str, Any] = {
            "$and": [{"$exist": ["revocation"]}, {"$not": {"status": "revoked"}}]
        }
        async with self._store.session() as session:
            entries = await session.fetch_all(INDEX_CATEGORY, tag_filter, limit=limit)
        return [_summary_of(entry) for entry in entries]

    async def revoked_acapy_ids(self, limit: int = 10_000) -> set[str]:
        """ACA-Py's ids of the credentials known to be revoked, for proof prompts."""
        async with self._store.session() as session:
            entries = await session.fetch_all(INDEX_CATEGORY, {"status": "revoked"}, limit=limit)
        return {_summary_of(entry).acapy_id for entry in entries}

    async def count_format(self, credential_format: str) -> int:
        """How many credentials of one format are indexed (cached until the next write)."""
        return await self._count(INDEX_CATEGORY, {"format": credential_format})

    async def _count(self, category: str, tag_filter: dict[str, Any] | None) -> int:
        key = (category, json.dumps(tag_filter, sort_keys=True))
        cached = self._counts.get(key)
        if cached is not None:
            return cached
        if len(self._counts) >= MAX_CACHED_COUNTS:
            self._counts.clear()
        writes = self._writes
        async with self._store.session() as session:
            total = await session.count(category, tag_filter)
        if writes == self._writes:
            self._counts[key] = total
        return total

    def _written(self) -> None:
        self._writes += 1
        self._counts.clear()

    async def ids(self) -> set[str]:
        """Every indexed credential id, from the small id entries."""
        return {entry.name async for entry in self._store.scan(IDS_CATEGORY)}


async def _put(txn: Session, summary: StoredCredential, newest: str | None) -> str | None:
    """Insert or update one; `newest` is the highest sort key indexed (may be stale-high)."""
    existing = await txn.fetch(INDEX_CATEGORY, summary.id, for_update=True)
    if existing is not None and _summary_of(existing).sort_key == summary.sort_key:
        await txn.replace(INDEX_CATEGORY, summary.id, _value(summary), index_tags(summary))
        await _remove(txn, WORDS_CATEGORY, summary.id)
        await txn.insert(WORDS_CATEGORY, summary.id, b"", word_tags(summary))
        return newest
    if existing is not None:
        await txn.remove(INDEX_CATEGORY, summary.id)
        await _remove(txn, WORDS_CATEGORY, summary.id)
    appending = newest is None or summary.sort_key >= newest
    moved = [] if appending else await _lift_newer(txn, summary.sort_key)
    await txn.insert(INDEX_CATEGORY, summary.id, _value(summary), index_tags(summary))
    await txn.insert(WORDS_CATEGORY, summary.id, b"", word_tags(summary))
    for entry in moved:
        await txn.insert(INDEX_CATEGORY, entry.name, entry.value, entry.tags)
        if entry.word_tags is not None:
            await txn.insert(WORDS_CATEGORY, entry.name, b"", entry.word_tags)
    if await txn.fetch(IDS_CATEGORY, summary.id) is None:
        await txn.insert(IDS_CATEGORY, summary.id, b"", {"format": summary.format})
    return max(newest or "", summary.sort_key)


async def _newest_sort_key(session: Session) -> str | None:
    entries = await session.fetch_all(INDEX_CATEGORY, limit=1, order_by="id", descending=True)
    return _summary_of(entries[0]).sort_key if len(entries) else None


async def _lift_newer(txn: Session, sort_key: str) -> list[_Moved]:
    """Remove the entries that sort after `sort_key` and return them, oldest first."""
    newer = await _entries_newer_than(txn, sort_key)
    moved = []
    for entry in newer:
        words = await txn.fetch(WORDS_CATEGORY, entry.name)
        moved.append(
            _Moved(
                entry.name,
                bytes(entry.value),
                dict(entry.tags),
                dict(words.tags) if words is not None else None,
            )
        )
        await txn.remove(INDEX_CATEGORY, entry.name)
        await _remove(txn, WORDS_CATEGORY, entry.name)
    return moved


async def _entries_newer_than(session: Session, sort_key: str) -> list[Entry]:
    """The newest entries that sort after `sort_key`, oldest of them first."""
    batch = FIRST_BATCH
    while True:
        entries = list(
            await session.fetch_all(INDEX_CATEGORY, limit=batch, order_by="id", descending=True)
        )
        newer: list[Entry] = []
        for entry in entries:
            if _summary_of(entry).sort_key <= sort_key:
                return list(reversed(newer))
            newer.append(entry)
        if len(entries) < batch:
            return list(reversed(newer))
        batch *= 8


async def _remove(txn: Session, category: str, name: str) -> bool:
    if await txn.fetch(category, name, for_update=True) is None:
        return False
    await txn.remove(category, name)
    return True


def _summary_of(entry: Entry) -> StoredCredential:
    return StoredCredential.model_validate_json(entry.value)


def _value(credential: StoredCredential) -> bytes:
    return credential.summary().model_dump_json().encode()
