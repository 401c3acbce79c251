"""The credential index's entries in Askar, written so they stay in issue-date order.

Askar can only order by insertion (`order_by="id"`): a credential older than some already
indexed is inserted, and the newer ones are lifted out and put back after it, in the same
transaction (see index.py for why each credential has three entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from aries_askar import Entry, Session

from wallet.credentials.models import StoredCredential
from wallet.credentials.search_tags import index_tags, word_tags

INDEX_CATEGORY = "credential-index"
WORDS_CATEGORY = "credential-words"
IDS_CATEGORY = "credential-ids"
FIRST_BATCH = 1


@dataclass(frozen=True)
class _Moved:
    """A newer credential's entries, lifted out to be put back after an older arrival."""

    name: str
    value: bytes
    tags: dict[str, str]
    word_tags: dict[str, str] | None


async def put_entries(txn: Session, summary: StoredCredential, newest: str | None) -> str | None:
    """Insert or update one; `newest` is the highest sort key indexed (may be stale-high)."""
    existing = await txn.fetch(INDEX_CATEGORY, summary.id, for_update=True)
    if existing is not None and summary_of(existing).sort_key == summary.sort_key:
        await txn.replace(INDEX_CATEGORY, summary.id, value_of(summary), index_tags(summary))
        await remove_entry(txn, WORDS_CATEGORY, summary.id)
        await txn.insert(WORDS_CATEGORY, summary.id, b"", word_tags(summary))
        return newest
    if existing is not None:
        await txn.remove(INDEX_CATEGORY, summary.id)
        await remove_entry(txn, WORDS_CATEGORY, summary.id)
    appending = newest is None or summary.sort_key >= newest
    moved = [] if appending else await _lift_newer(txn, summary.sort_key)
    await txn.insert(INDEX_CATEGORY, summary.id, value_of(summary), index_tags(summary))
    await txn.insert(WORDS_CATEGORY, summary.id, b"", word_tags(summary))
    for entry in moved:
        await txn.insert(INDEX_CATEGORY, entry.name, entry.value, entry.tags)
        if entry.word_tags is not None:
            await txn.insert(WORDS_CATEGORY, entry.name, b"", entry.word_tags)
    if await txn.fetch(IDS_CATEGORY, summary.id) is None:
        await txn.insert(IDS_CATEGORY, summary.id, b"", {"format": summary.format})
    return max(newest or "", summary.sort_key)


async def newest_sort_key(session: Session) -> str | None:
    entries = await session.fetch_all(INDEX_CATEGORY, limit=1, order_by="id", descending=True)
    return summary_of(entries[0]).sort_key if len(entries) else None


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
        await remove_entry(txn, WORDS_CATEGORY, entry.name)
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
            if summary_of(entry).sort_key <= sort_key:
                return list(reversed(newer))
            newer.append(entry)
        if len(entries) < batch:
            return list(reversed(newer))
        batch *= 8


async def remove_entry(txn: Session, category: str, name: str) -> bool:
    if await txn.fetch(category, name, for_update=True) is None:
        return False
    await txn.remove(category, name)
    return True


def summary_of(entry: Entry) -> StoredCredential:
    return StoredCredential.model_validate_json(entry.value)


def value_of(credential: StoredCredential) -> bytes:
    return credential.summary().model_dump_json().encode()
