"""Offer notes in the controller's own encrypted store, so decisions and failures survive
restarts while ACA-Py's records stay untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from protocols.issuance.models import OfferNote
from wallet.controller_store import ControllerStore

CATEGORY = "issuance_offer_note"


class OfferNotes:
    """Read and update one note per exchange; updates run in a transaction."""

    def __init__(self, store: ControllerStore) -> None:
        self._store = store.store

    async def get(self, cred_ex_id: str) -> OfferNote | None:
        async with self._store.session() as session:
            entry = await session.fetch(CATEGORY, cred_ex_id)
        return OfferNote.model_validate_json(entry.value) if entry else None

    async def all(self) -> dict[str, OfferNote]:
        """Every note, by exchange id (one per offer the learner ever handled)."""
        async with self._store.session() as session:
            entries = await session.fetch_all(CATEGORY)
        notes = (OfferNote.model_validate_json(entry.value) for entry in entries)
        return {note.cred_ex_id: note for note in notes}

    async def update(self, cred_ex_id: str, change: Callable[[OfferNote], OfferNote]) -> OfferNote:
        """Apply `change` to the note (a fresh one if none exists) and save the result."""
        async with self._store.transaction() as txn:
            entry = await txn.fetch(CATEGORY, cred_ex_id, for_update=True)
            note = (
                OfferNote.model_validate_json(entry.value)
                if entry
                else OfferNote(cred_ex_id=cred_ex_id)
            )
            note = change(note)
            if entry:
                await txn.replace(CATEGORY, cred_ex_id, note.model_dump_json())
            else:
                await txn.insert(CATEGORY, cred_ex_id, note.model_dump_json())
            await txn.commit()
        return note


def accepted(auto: bool, holder_did: str | None) -> Callable[[OfferNote], OfferNote]:
    """The note change that records the learner's (or the auto-accept rule's) yes."""

    def change(note: OfferNote) -> OfferNote:
        update = {
            "decision": "accepted",
            "decided_at": datetime.now(UTC),
            "auto": auto,
            "holder_did": holder_did,
        }
        return note.model_copy(update=update)

    return change


def failed(reason: str, now: datetime) -> Callable[[OfferNote], OfferNote]:
    """The note change that marks an exchange failed (deadline or refusal)."""

    def change(note: OfferNote) -> OfferNote:
        return note.model_copy(update={"failure": reason, "failed_at": now})

    return change
