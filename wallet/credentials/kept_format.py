"""The index's summaries of one format, kept in memory in the index's order.

Every proof request reads every AnonCreds summary (protocols/presentation/anoncreds_index.py),
and Askar answers a query by format only after testing the tag of every credential (20 to
30 ms at 10,000). So the index keeps them once read and applies its own writes to them, as
it does to its orders (order.py), instead of reading them again after each write.
"""

from __future__ import annotations

from collections.abc import Iterable

from wallet.credentials.models import StoredCredential
from wallet.credentials.order import CredentialOrder


class KeptFormat:
    """Summaries of one format, oldest first as the index keeps them (do not modify them)."""

    def __init__(self, credential_format: str, summaries: Iterable[StoredCredential]) -> None:
        """`summaries` in the store's insertion order, oldest first."""
        given = list(summaries)
        self.format = credential_format
        self._order = CredentialOrder((summary.id, summary.sort_key) for summary in given)
        self._by_id = {summary.id: summary for summary in given}

    def __len__(self) -> int:
        return len(self._by_id)

    def put(self, summary: StoredCredential) -> None:
        """Where the index puts a write (see CredentialOrder.place); other formats pass by."""
        if summary.format != self.format:
            return
        self._order.place(summary.id, summary.sort_key)
        self._by_id[summary.id] = summary

    def remove(self, credential_id: str) -> None:
        self._order.remove(credential_id)
        self._by_id.pop(credential_id, None)

    def get(self, credential_id: str) -> StoredCredential | None:
        return self._by_id.get(credential_id)

    def oldest_first(self) -> list[StoredCredential]:
        newest = self._order.newest_first(0, len(self._order))
        return [self._by_id[credential_id] for credential_id in reversed(newest)]
