"""What stacks need to know of each credential (its stacks, workload, status), kept in
memory: reused whole while the index has not been written to, and otherwise per credential
by the digest of its index entry, so a new scan parses only what changed.

Over 10,000 credentials, reading and parsing (summary, skills, workload) is nearly all the
time a list of stacks takes; an entry's bytes change whenever anything read here changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from aries_askar import Store

from wallet.credentials.achievement import Workload, workload_of
from wallet.credentials.entries import INDEX_CATEGORY, summary_of
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialStatus, StoredCredential
from wallet.stacks.grouping import Membership, memberships


@dataclass(frozen=True)
class CredentialFacts:
    credential_id: str
    digest: bytes
    status: CredentialStatus  # as indexed; expiry does not change what is counted
    workload: Workload
    memberships: tuple[Membership, ...]

    def stack_ids(self) -> set[str]:
        return {member.stack_id for member in self.memberships}


def facts_of(credential: StoredCredential, digest: bytes) -> CredentialFacts:
    return CredentialFacts(
        credential.id,
        digest,
        credential.status,
        workload_of(credential),
        tuple(memberships(credential)),
    )


class FactsCache:
    """One entry per indexed credential; entries not seen in a whole scan are dropped."""

    def __init__(self, index: CredentialIndex, store: Store) -> None:
        self._index = index
        self._store = store
        self._facts: dict[str, CredentialFacts] = {}
        self._complete_at: int | None = None  # the index's `writes` when last read whole

    async def every(self) -> list[CredentialFacts]:
        """The facts of every indexed credential, in index order."""
        if self._complete_at == self._index.writes:
            return list(self._facts.values())
        writes = self._index.writes
        fresh: dict[str, CredentialFacts] = {}
        async for entry in self._store.scan(INDEX_CATEGORY):
            value = bytes(entry.value)
            digest = hashlib.blake2b(value, digest_size=16).digest()
            known = self._facts.get(entry.name)
            if known is None or known.digest != digest:
                known = facts_of(summary_of(entry), digest)
            fresh[entry.name] = known
        self._facts = fresh
        # A write during the scan may be half seen: then the next call reads again.
        self._complete_at = writes if writes == self._index.writes else None
        return list(fresh.values())
