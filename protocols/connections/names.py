"""The learner's own names for connections, kept in the controller's encrypted store.

A peer chooses its own label ("Example University Admissions Bot"); the learner may want
"My university". ACA-Py's record keeps the peer's label; the learner's name lives here and
the connection cache (`agent/connection_cache.py`) shows it wherever a peer is named.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from aries_askar import AskarError
from pydantic import BaseModel, ConfigDict

from protocols.connections.addresses import text_problem
from wallet.controller_store import ControllerStore, put_value

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

CATEGORY = "connection_name"
MAX_NAME = 100


class ConnectionNameError(Exception):
    """A name the wallet will not keep (empty, too long, control characters)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class StoreUnavailable(Exception):
    """The controller's store could not be read or written."""


class ConnectionName(BaseModel):
    model_config = ConfigDict(frozen=True)

    connection_id: str
    name: str


def clean_name(raw: str) -> str:
    """The name as it will be kept: trimmed, NFC; ConnectionNameError when unusable."""
    name = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not name:
        raise ConnectionNameError("empty", "the name is empty")
    if len(name) > MAX_NAME:
        raise ConnectionNameError("too_long", f"the name is longer than {MAX_NAME} characters")
    problem = text_problem(name)
    if problem:
        raise ConnectionNameError("not_plain", f"the name: {problem}")
    return name


class ConnectionNames:
    """One record per renamed connection, named by the connection id."""

    def __init__(self, store: ControllerStore) -> None:
        self._store = store.store

    async def all(self) -> dict[str, str]:
        try:
            async with self._store.session() as session:
                entries = await session.fetch_all(CATEGORY)
        except AskarError as error:
            raise StoreUnavailable(f"names could not be read: {error.message}") from None
        names = (ConnectionName.model_validate_json(entry.value) for entry in entries)
        return {item.connection_id: item.name for item in names}

    async def rename(self, connection_id: str, name: str) -> str:
        """Keep `name` (cleaned) for the connection and return it."""
        kept = ConnectionName(connection_id=connection_id, name=clean_name(name))
        try:
            await put_value(self._store, CATEGORY, connection_id, kept.model_dump_json())
        except AskarError as error:
            raise StoreUnavailable(f"the name could not be kept: {error.message}") from None
        return kept.name

    async def forget(self, connection_id: str) -> None:
        """Drop the learner's name: the peer's own label shows again."""
        try:
            async with self._store.transaction() as txn:
                if await txn.fetch(CATEGORY, connection_id, for_update=True) is not None:
                    await txn.remove(CATEGORY, connection_id)
                await txn.commit()
        except AskarError as error:
            raise StoreUnavailable(f"the name could not be removed: {error.message}") from None


def connection_names(services: WalletServices) -> ConnectionNames:
    if services.store is None:
        raise RuntimeError("connection names need the controller store")
    return ConnectionNames(services.store)
