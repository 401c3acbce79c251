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
The plain list by arrival (`sort=received`, what came lately) is a second such order,
read on first use; it exists only in memory, so it cannot be combined with a filter.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from aries_askar import Entry, Store

from wallet.credentials.claims import (
    CLAIMS_CATEGORY,
    claim_tags,
    remove_claims,
    write_claims,
)
from wallet.credentials.entries import (
    IDS_CATEGORY,
    INDEX_CATEGORY,
    WORDS_CATEGORY,
    newest_sort_key,
    put_entries,
    remove_entry,
    summary_of,
    value_of,
)
from wallet.credentials.kept_format import KeptFormat
from wallet.credentials.models import (
    CredentialPage,
    CredentialSearch,
    CredentialSort,
    CredentialStatus,
    StoredCredential,
)
from wallet.credentials.order import CredentialOrder, read_order
from wallet.credentials.search_tags import (
    SearchError,
    index_tags,
    query_words,
    revocation_key,
    search_filter,
)

MAX_CACHED_COUNTS = 256
# AnonCreds summaries kept for proof requests (a few KB each in memory).
MAX_KEPT_OF_FORMAT = 2000


class CredentialIndex:
    """Summaries of stored credentials with encrypted tags for filtering and word search."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # Counts by (category, filter), dropped on every write: Askar's count reads every
        # matching row (tens of ms at 10,000), and a list asks for the same count per page.
        self._counts: dict[tuple[str, str], int] = {}
        self._writes = 0  # a count read across a write is not kept
        self._revoked: frozenset[str] | None = None  # like the counts: dropped on writes
        # Summaries by format for proof requests, updated by writes like the orders.
        self._kept: dict[str, KeptFormat] = {}
        # Each order is loaded on first use (the issue-date one also by `warm`).
        self._orders: dict[CredentialSort, CredentialOrder] = {}
        self._order_loading = asyncio.Lock()

    async def put(self, credential: StoredCredential) -> None:
        """Add or update one credential, keeping the store in newest-first order."""
        await self.put_many([credential])

    async def put_many(self, credentials: Iterable[StoredCredential]) -> None:
        """Several in one transaction (one disk sync); oldest first moves nothing."""
        given = list(credentials)
        summaries = [credential.summary() for credential in given]
        claims = {c.id: claim_tags(c.raw) if c.raw else None for c in given if c.format == "w3c"}
        self._written()
        try:
            async with self._store.transaction() as txn:
                newest = await newest_sort_key(txn)
                for summary in summaries:
                    newest = await put_entries(txn, summary, newest)
                    if summary.id in claims:
                        await write_claims(txn, summary.id, claims[summary.id])
                await txn.commit()
        except BaseException:
            self._orders.clear()  # not sure what was written: read the orders again
            self._kept.clear()
            raise
        finally:
            self._written()
        for sort, order in self._orders.items():
            for summary in summaries:
                order.place(summary.id, summary.order_key(sort))
        self._keep(summaries)

    async def get(self, credential_id: str) -> StoredCredential | None:
        async with self._store.session() as session:
            entry = await session.fetch(INDEX_CATEGORY, credential_id)
        return summary_of(entry) if entry is not None else None

    async def remove(self, credential_id: str) -> bool:
        """True if it was indexed."""
        try:
            async with self._store.transaction() as txn:
                found = await remove_entry(txn, INDEX_CATEGORY, credential_id)
                await remove_entry(txn, WORDS_CATEGORY, credential_id)
                await remove_entry(txn, IDS_CATEGORY, credential_id)
                await remove_claims(txn, credential_id)
                await txn.commit()
        except BaseException:
            self._orders.clear()
            self._kept.clear()
            raise
        finally:
            self._written()
        for order in self._orders.values():
            order.remove(credential_id)
        for kept in self._kept.values():
            kept.remove(credential_id)
        return found

    async def set_status(
        self, credential_id: str, status: CredentialStatus
    ) -> StoredCredential | None:
        """Change the status in place (the position does not change); None if not indexed."""
        async with self._store.transaction() as txn:
            entry = await txn.fetch(INDEX_CATEGORY, credential_id, for_update=True)
            if entry is None:
                return None
            updated = summary_of(entry).model_copy(update={"status": status})
            await txn.replace(INDEX_CATEGORY, credential_id, value_of(updated), index_tags(updated))
            await txn.commit()
        self._written()  # the status tag changed
        self._keep([updated])
        return updated

    async def search(self, search: CredentialSearch) -> CredentialPage:
        """One page of matches, newest first, with the count of all matches."""
        category = WORDS_CATEGORY if query_words(search.q) else INDEX_CATEGORY
        tag_filter = search_filter(search) or None
        if category == INDEX_CATEGORY and tag_filter is None:
            return await self._plain_page(search)
        if search.sort != "issued":
            raise SearchError("only the list of every credential can be sorted by arrival")
        # The count (cached after the first page) and the page run side by side.
        total, entries = await asyncio.gather(
            self._count(category, tag_filter), self._page(category, tag_filter, search)
        )
        if category == INDEX_CATEGORY:
            items = [summary_of(entry) for entry in entries]
        else:
            items = await self._summaries([entry.name for entry in entries])
        return CredentialPage(items=items, total=total, limit=search.limit, offset=search.offset)

    async def _page(
        self, category: str, tag_filter: dict[str, Any] | None, search: CredentialSearch
    ) -> list[Entry]:
        scan = self._store.scan(
            category,
            tag_filter,
            offset=search.offset,
            limit=search.limit,
            order_by="id",
            descending=True,
        )
        return [entry async for entry in scan]

    async def _summaries(self, names: list[str]) -> list[StoredCredential]:
        """Summaries by name, in that order, in one session (the store has one connection,
        see controller_store.py). The reads are issued together: Askar runs them back to back
        while Python waits once, instead of once per read (a page of 20 at 10,000: 11 ms one
        by one, 7.5 ms together)."""
        async with self._store.session() as session:
            entries = await asyncio.gather(*(session.fetch(INDEX_CATEGORY, n) for n in names))
        return [summary_of(entry) for entry in entries if entry is not None]

    async def warm(self) -> None:
        """Read the order and the AnonCreds summaries now (at start-up), so neither the first
        list nor the first AnonCreds proof request pays for reading them."""
        await self._ordered()
        await self.of_format("anoncreds")

    async def _plain_page(self, search: CredentialSearch) -> CredentialPage:
        """Every credential, newest first: a slice of the order, fetched by name."""
        order = await self._ordered(search.sort)
        # Read the slice and the length together: the fetch below may wait for a write's
        # transaction (one connection), and the page must count what it lists. One removed
        # meanwhile is missing from the items, so it is not counted either.
        names, total = order.newest_first(search.offset, search.limit), len(order)
        items = await self._summaries(names)
        total -= len(names) - len(items)
        return CredentialPage(items=items, total=total, limit=search.limit, offset=search.offset)

    async def _ordered(self, sort: CredentialSort = "issued") -> CredentialOrder:
        """The order in memory; read again if a write landed while it was being read."""
        async with self._order_loading:
            while sort not in self._orders:
                writes = self._writes
                order = await read_order(self._store, INDEX_CATEGORY, sort)
                if writes == self._writes:
                    self._orders[sort] = order
            return self._orders[sort]

    async def find_by_revocation(
        self, rev_reg_id: str, cred_rev_id: str
    ) -> StoredCredential | None:
        key = revocation_key(rev_reg_id, cred_rev_id)
        async with self._store.session() as session:
            entries = await session.fetch_all(INDEX_CATEGORY, {"revocation": key}, limit=1)
        return summary_of(entries[0]) if len(entries) else None

    async def revocable_not_revoked(self, limit: int = 1000) -> list[StoredCredential]:
        """Credentials whose status list is worth asking about again."""
        tag_filter: dict[str, Any] = {
            "$and": [{"$exist": ["revocation"]}, {"$not": {"status": "revoked"}}]
        }
        async with self._store.session() as session:
            entries = await session.fetch_all(INDEX_CATEGORY, tag_filter, limit=limit)
        return [summary_of(entry) for entry in entries]

    async def revoked_acapy_ids(self, limit: int = 10_000) -> set[str]:
        """ACA-Py's ids of the credentials known to be revoked or suspended, for proof
        prompts (cached until the next write: every proof request asks)."""
        if self._revoked is not None:
            return set(self._revoked)
        writes = self._writes
        async with self._store.session() as session:
            # Suspended ones are not offered either (an issuer's status list says so).
            withdrawn = {"$or": [{"status": "revoked"}, {"status": "suspended"}]}
            entries = await session.fetch_all(INDEX_CATEGORY, withdrawn, limit=limit)
        found = frozenset(summary_of(entry).acapy_id for entry in entries)
        if writes == self._writes:
            self._revoked = found
        return set(found)

    async def held(self) -> int:
        """How many credentials are indexed, every format (the order's length: no read)."""
        return len(await self._ordered())

    async def count_format(self, credential_format: str) -> int:
        """How many credentials of one format are indexed (cached until the next write)."""
        return await self._count(INDEX_CATEGORY, {"format": credential_format})

    async def title(self, credential_id: str) -> str | None:
        """A credential's title: from memory when its format's summaries are kept
        (`of_format`; a prompt names up to 50 AnonCreds candidates), else one read."""
        for kept in self._kept.values():
            if (summary := kept.get(credential_id)) is not None:
                return summary.title
        stored = await self.get(credential_id)
        return stored.title if stored else None

    async def of_format(self, credential_format: str) -> list[StoredCredential]:
        """Every credential of one format, oldest first, e.g. the AnonCreds ones a proof
        request may use (see anoncreds_index.py): one tag query, then kept in memory and
        updated by this index's writes, up to MAX_KEPT_OF_FORMAT (do not modify them)."""
        kept = self._kept.get(credential_format)
        if kept is not None:
            return kept.oldest_first()
        writes = self._writes
        async with self._store.session() as session:
            entries = await session.fetch_all(
                INDEX_CATEGORY, {"format": credential_format}, order_by="id"
            )
        found = [summary_of(entry) for entry in entries]
        if writes == self._writes and len(found) <= MAX_KEPT_OF_FORMAT:
            self._kept[credential_format] = KeptFormat(credential_format, found)
        return found

    def _keep(self, summaries: list[StoredCredential]) -> None:
        """A write's summaries into what `of_format` keeps; too many are read again."""
        for credential_format, kept in list(self._kept.items()):
            for summary in summaries:
                kept.put(summary)
            if len(kept) > MAX_KEPT_OF_FORMAT:
                del self._kept[credential_format]

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

    @property
    def writes(self) -> int:
        """Grows with every write: what a reader derived at one value is stale at another."""
        return self._writes

    def _written(self) -> None:
        self._writes += 1
        self._counts.clear()
        self._revoked = None

    async def ids(self) -> set[str]:
        """Every indexed credential id, from the small id entries."""
        return {entry.name async for entry in self._store.scan(IDS_CATEGORY)}

    async def claimed_ids(self) -> set[str]:
        """Ids of the W3C credentials whose claims are indexed (see claims.py), streamed:
        all 10,000 entries with their tags at once would double the start-up peak."""
        return {entry.name async for entry in self._store.scan(CLAIMS_CATEGORY)}

    async def put_claims(self, claims: dict[str, dict[str, str]]) -> None:
        """Claims of credentials indexed before claims were (one transaction)."""
        async with self._store.transaction() as txn:
            for credential_id, tags in claims.items():
                await write_claims(txn, credential_id, tags)
            await txn.commit()
        self._written()

    async def drop_claims(self, credential_ids: Iterable[str]) -> None:
        async with self._store.transaction() as txn:
            for credential_id in credential_ids:
                await remove_claims(txn, credential_id)
            await txn.commit()
        self._written()

    async def claims_complete(self) -> bool:
        """Whether every indexed W3C credential has its claims indexed (cached counts)."""
        claimed = await self._count(CLAIMS_CATEGORY, None)
        return claimed == await self.count_format("w3c")

    async def claims_matching(self, query: dict[str, Any], limit: int) -> list[str] | None:
        """Ids of W3C credentials whose claims fit `query`; None if more than `limit` do."""
        async with self._store.session() as session:
            entries = await session.fetch_all(CLAIMS_CATEGORY, query, limit=limit + 1)
        names = [entry.name for entry in entries]
        return None if len(names) > limit else names
