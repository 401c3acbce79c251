"""The credential index's order, kept in memory so a plain list page is a slice.

Askar pages with `offset` by reading every row it skips, so a page deep in 10,000
credentials cost hundreds of milliseconds, and a count read them all again. The index
already keeps its entries in issue-date order (oldest inserted first, ties in arrival
order); this mirrors that order as two parallel lists of ids and sort keys, so the newest
first page at any offset is a slice and the total is a length. It holds ids and sort keys
only, never credential content.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from aries_askar import Store

from wallet.credentials.models import CredentialSort, StoredCredential


class CredentialOrder:
    """Credential ids oldest first by sort key; a tie goes after the ones already there."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        """`entries` are (id, sort key) in the store's insertion order, oldest first."""
        ordered = sorted(entries, key=lambda entry: entry[1])  # stable: keeps arrival order
        self._ids = [credential_id for credential_id, _ in ordered]
        self._keys = [sort_key for _, sort_key in ordered]
        self._key_of = dict(ordered)

    def __len__(self) -> int:
        return len(self._ids)

    def place(self, credential_id: str, sort_key: str) -> None:
        """Where the index puts a write: unchanged key stays, otherwise after its equals."""
        known = self._key_of.get(credential_id)
        if known == sort_key:
            return
        if known is not None:
            self.remove(credential_id)
        position = bisect_right(self._keys, sort_key)
        self._ids.insert(position, credential_id)
        self._keys.insert(position, sort_key)
        self._key_of[credential_id] = sort_key

    def remove(self, credential_id: str) -> None:
        """Forget one id; nothing happens if it is not there."""
        sort_key = self._key_of.pop(credential_id, None)
        if sort_key is None:
            return
        start = bisect_left(self._keys, sort_key)
        stop = bisect_right(self._keys, sort_key)
        position = self._ids.index(credential_id, start, stop)
        del self._ids[position]
        del self._keys[position]

    def newest_first(self, offset: int, limit: int) -> list[str]:
        """The ids of one page, newest first, as the index's descending scan would give."""
        end = len(self._ids) - offset
        if end <= 0:
            return []
        start = max(end - limit, 0)
        return self._ids[start:end][::-1]


async def read_order(
    store: Store, category: str, sort: CredentialSort = "issued"
) -> CredentialOrder:
    """The order of the summaries in `category`, read once in insertion order.

    By issue date this is the store's own order; by arrival (`received`) it exists only
    here, for the plain list of what came lately (Home's recent activity).
    """
    entries = [
        (entry.name, StoredCredential.model_validate_json(entry.value).order_key(sort))
        async for entry in store.scan(category, order_by="id")
    ]
    return CredentialOrder(entries)
