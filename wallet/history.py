"""What the learner shared, with whom and when: kept in the controller's encrypted store.

Entries hold names only (attribute names, predicates such as ``score >= 70``, credential
titles), never attribute values (DESIGN §8): the values stay in the credentials. An entry
is written before a presentation is sent, then its outcome is updated as the exchange ends.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from aries_askar import AskarError
from pydantic import BaseModel, ConfigDict, Field

from wallet.controller_store import ControllerStore

CATEGORY = "history"
MAX_PAGE = 200
MAX_DETAIL = 300
# "acknowledged": the verifier confirmed receipt without saying whether it verified (ACA-Py
# 1.7 verifiers never say: their ack drops `verification_result` when it is serialised).
Outcome = Literal["approved", "declined", "failed", "acknowledged", "verified", "not_verified"]
CredentialFormat = Literal["anoncreds", "w3c"]
EntryKind = Literal["shared", "imported"]


class HistoryError(Exception):
    """The history store could not be read or written; nothing is sent without it."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class HistoryVerifier(_Model):
    """Who asked, as the learner's trust list saw them at the time."""

    label: str
    did: str | None = None
    trusted: bool = False
    trusted_name: str | None = None


class UsedCredential(_Model):
    """One credential a presentation drew on: its wallet id and title, not its content."""

    id: str
    title: str
    format: CredentialFormat
    issuer_id: str | None = None
    whole_credential: bool = False
    items: list[str] = Field(default_factory=list)
    # Field names, never values: what the verifier saw of this credential and what stayed
    # hidden (a BBS derived proof, AnonCreds attributes not asked for or only proven).
    # `hidden` None: not known (entries written before it was kept, or unreadable).
    shared: list[str] = Field(default_factory=list)
    hidden: list[str] | None = None


class HistoryEntry(_Model):
    """One approval or decline, and how the exchange ended; or (`kind` "imported") a
    credential the learner added from a file, its issuer standing where a verifier would."""

    entry_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    kind: EntryKind = "shared"
    exchange_id: str
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime | None = None
    outcome: Outcome
    detail: str | None = None
    verifier: HistoryVerifier
    request_name: str
    purpose: str | None = None
    credentials: list[UsedCredential] = Field(default_factory=list)
    revealed: list[str] = Field(default_factory=list)
    hidden: list[str] = Field(default_factory=list)
    predicates: list[str] = Field(default_factory=list)
    self_attested: list[str] = Field(default_factory=list)
    asked_for: list[str] = Field(default_factory=list)


class HistoryPage(_Model):
    """Newest first."""

    entries: list[HistoryEntry]
    total: int
    limit: int
    offset: int


class History:
    """The ``history`` category of the controller's store; insertion order is time order."""

    def __init__(self, store: ControllerStore) -> None:
        self._store = store

    async def add(self, entry: HistoryEntry) -> HistoryEntry:
        """Write a new entry; raises ``HistoryError`` so a caller never sends without it."""
        if entry.detail:
            entry = entry.model_copy(update={"detail": _short(entry.detail)})
        try:
            async with self._store.store.session() as session:
                await session.insert(
                    CATEGORY, entry.entry_id, entry.model_dump_json(), tags=_tags(entry)
                )
        except AskarError as error:
            raise HistoryError(f"history could not be written: {error.message}") from None
        return entry

    async def set_outcome(
        self, exchange_id: str, outcome: Outcome, detail: str | None = None
    ) -> HistoryEntry | None:
        """Record how an exchange ended; None when no entry was written for it."""
        try:
            async with self._store.store.transaction() as txn:
                rows = list(
                    await txn.fetch_all(CATEGORY, {"exchange_id": exchange_id}, for_update=True)
                )
                if not rows:
                    return None
                row = rows[-1]
                current = HistoryEntry.model_validate_json(row.value)
                updated = current.model_copy(
                    update={
                        "outcome": outcome,
                        "detail": _short(detail) if detail else current.detail,
                        "updated_at": datetime.now(UTC),
                    }
                )
                await txn.replace(
                    CATEGORY, row.name, updated.model_dump_json(), tags=_tags(updated)
                )
                await txn.commit()
        except AskarError as error:
            raise HistoryError(f"history could not be updated: {error.message}") from None
        return updated

    async def for_exchange(self, exchange_id: str) -> HistoryEntry | None:
        async with self._store.store.session() as session:
            rows = list(await session.fetch_all(CATEGORY, {"exchange_id": exchange_id}))
        return HistoryEntry.model_validate_json(rows[-1].value) if rows else None

    async def page(self, limit: int = 50, offset: int = 0) -> HistoryPage:
        """One page, newest first, straight from the store's row order (no full scan)."""
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        async with self._store.store.session() as session:
            total = await session.count(CATEGORY)
        scan = self._store.store.scan(
            CATEGORY, offset=offset, limit=limit, order_by="id", descending=True
        )
        entries = [HistoryEntry.model_validate_json(row.value) async for row in scan]
        return HistoryPage(entries=entries, total=total, limit=limit, offset=offset)


def _tags(entry: HistoryEntry) -> dict[str, str]:
    return {"exchange_id": entry.exchange_id, "outcome": entry.outcome}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"
