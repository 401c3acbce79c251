"""Every stack of the wallet: automatic ones from one pass over the credential index, the
learner's collections from the controller store, and one request's selection.

The index is read as a stream, each credential reduced to its facts (facts.py, cached), and
an automatic stack keeps a running tally instead of its parts. One book per running wallet
(the cache lives in it).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from aries_askar import Store

from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import StoredCredential
from wallet.stacks.facts import FactsCache
from wallet.stacks.grouping import Membership, skill_memberships
from wallet.stacks.learner_collections import Collection, Collections, is_collection_id
from wallet.stacks.models import SkillShown, StackDetail, StackList, StackSummary
from wallet.stacks.totals import Tally, part_of, totals_of

# A stack of one credential is that credential: automatic stacks start at two.
MIN_AUTOMATIC_PARTS = 2
MAX_SELECTION = 50
ORDER = {"collection": 0, "skill": 1, "issuer": 2}


class StackNotFound(Exception):
    """No stack has this id (or an automatic one has no parts any more)."""


class StackBook:
    """Reads stacks; collections are changed through `collections`."""

    def __init__(self, index: CredentialIndex, store: Store) -> None:
        self.index = index
        self.collections = Collections(store)
        self._facts = FactsCache(index, store)

    async def overview(self) -> StackList:
        """Collections (even empty ones), then skills and issuers with two or more parts."""
        collections = await self.collections.all()
        held_by: dict[str, list[str]] = {}
        for collection in collections:
            for credential_id in collection.credential_ids:
                held_by.setdefault(credential_id, []).append(collection.id)
        tallies = {collection.id: Tally() for collection in collections}
        named: dict[str, StackNames] = {}
        for facts in await self._facts.every():
            for collection_id in held_by.get(facts.credential_id, []):
                tallies[collection_id].add(facts.status, facts.workload)
            for member in facts.memberships:
                named.setdefault(member.stack_id, StackNames()).add(member)
                tallies.setdefault(member.stack_id, Tally()).add(facts.status, facts.workload)
        stacks = [_collection_summary(c, tallies[c.id]) for c in collections]
        automatic = [
            _automatic_summary(names.chosen(), tallies[stack_id])
            for stack_id, names in named.items()
            if tallies[stack_id].parts >= MIN_AUTOMATIC_PARTS
        ]
        automatic.sort(key=lambda s: (ORDER[s.kind], -s.totals.parts, (s.name or "").lower()))
        return StackList(stacks=stacks + automatic)

    async def detail(self, stack_id: str) -> StackDetail:
        """One stack with its parts: a collection in the learner's order, others newest first."""
        if is_collection_id(stack_id):
            collection = await self.collections.get(stack_id)
            parts = await self.held(collection.credential_ids)
            return _detail(_collection_summary(collection, None), parts)
        names = StackNames()
        ids: list[str] = []
        for facts in await self._facts.every():
            found = next((m for m in facts.memberships if m.stack_id == stack_id), None)
            if found is not None:
                names.add(found)
                ids.append(facts.credential_id)
        if not ids:
            raise StackNotFound(stack_id)
        parts = sorted(await self.held(ids), key=lambda c: c.sort_key, reverse=True)
        return _detail(_automatic_summary(names.chosen(), None), parts)

    async def selection(self, credential_ids: list[str]) -> StackDetail:
        """The stack a proof request draws on: these credentials, in this order."""
        parts = await self.held(list(dict.fromkeys(credential_ids))[:MAX_SELECTION])
        summary = StackSummary(id="selection", kind="selection", name=None, totals=totals_of([]))
        return _detail(summary, parts)

    async def held(self, credential_ids: list[str]) -> list[StoredCredential]:
        """The summaries of the ids still in the wallet, in the given order."""
        found = await asyncio.gather(*(self.index.get(i) for i in credential_ids))
        now = datetime.now(UTC)
        return [credential.as_of(now) for credential in found if credential is not None]


class StackNames:
    """What an automatic stack is called when its parts name it differently ("use Python",
    "Python"): the name most parts give, then the first in alphabetical order, so it does
    not depend on the order credentials are read in."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._first: Membership | None = None
        self._by_name: dict[str, Membership] = {}

    def add(self, member: Membership) -> None:
        self._first = self._first or member
        if member.name:
            self._counts[member.name] += 1
            self._by_name.setdefault(member.name, member)

    def chosen(self) -> Membership:
        if not self._counts:
            assert self._first is not None
            return self._first
        name = min(self._counts, key=lambda n: (-self._counts[n], n.lower(), n))
        return self._by_name[name]


def _collection_summary(collection: Collection, tally: Tally | None) -> StackSummary:
    return StackSummary(
        id=collection.id,
        kind="collection",
        name=collection.name,
        totals=tally.totals if tally else totals_of([]),
        created=collection.created,
    )


def _automatic_summary(member: Membership, tally: Tally | None) -> StackSummary:
    return StackSummary(
        id=member.stack_id,
        kind=member.kind,
        name=member.name,
        totals=tally.totals if tally else totals_of([]),
        skill=member.skill,
        issuer_did=member.issuer_did,
    )


def _detail(summary: StackSummary, parts: list[StoredCredential]) -> StackDetail:
    data = summary.model_dump()
    data["totals"] = totals_of(parts)
    data["parts"] = [part_of(c) for c in parts]
    data["skills"] = _skills(summary, parts)
    return StackDetail.model_validate(data)


def _skills(summary: StackSummary, parts: list[StoredCredential]) -> list[SkillShown]:
    """The skills the parts show, most shown first (a skill stack leaves out its own)."""
    shown: dict[str, SkillShown] = {}
    for credential in parts:
        for member in skill_memberships(credential):
            if member.stack_id == summary.id:
                continue
            known = shown.get(member.stack_id)
            esco = bool(member.skill and member.skill.esco)
            shown[member.stack_id] = SkillShown(
                stack_id=member.stack_id,
                name=member.name,
                esco=esco,
                parts=(known.parts if known else 0) + 1,
            )
    return sorted(shown.values(), key=lambda s: (-s.parts, (s.name or "").lower()))
