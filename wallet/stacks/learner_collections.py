"""The learner's own collections ("My data analysis pathway"), kept in the controller store.

A collection holds credential ids in the order the learner added them. A credential deleted
from the wallet is not removed here: readers skip ids the index no longer has, so it simply
disappears from every collection, and the next write of that collection drops it.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

from aries_askar import AskarError, Store
from pydantic import BaseModel, Field

CATEGORY = "stack-collection"
ID_PREFIX = "collection-"
MAX_NAME = 80
MAX_COLLECTIONS = 100
MAX_PARTS = 200
COLLECTIONS_CHANGED = "collections_changed"  # the event after a change (backups follow it)


class Collection(BaseModel):
    id: str
    name: str
    credential_ids: list[str] = Field(default_factory=list)
    created: datetime


type _Change = Callable[[Collection], Collection]


class CollectionError(Exception):
    """A change the wallet will not make; `reason` says which kind, where there are several."""

    def __init__(self, detail: str, reason: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason


class CollectionNotFound(CollectionError):
    """No such collection, or (reason "part") no such credential in it."""


class CollectionNameError(CollectionError):
    """Reasons: "empty", "too_long", "not_plain"."""


class CollectionChanged(CollectionError):
    """A new order that does not name exactly the collection's parts."""


class CollectionFull(CollectionError):
    """More than MAX_PARTS credentials."""


class TooManyCollections(CollectionError):
    """More than MAX_COLLECTIONS collections."""


class CollectionStoreError(Exception):
    """The controller store could not be read or written."""


def clean_name(raw: str) -> str:
    """The name as kept: spaces collapsed, NFC; CollectionNameError when unusable."""
    name = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not name:
        raise CollectionNameError("the name is empty", "empty")
    if len(name) > MAX_NAME:
        raise CollectionNameError(f"the name is longer than {MAX_NAME} characters", "too_long")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise CollectionNameError("the name has control or invisible characters", "not_plain")
    return name


def is_collection_id(value: str) -> bool:
    rest = value.removeprefix(ID_PREFIX)
    return value.startswith(ID_PREFIX) and len(rest) == 32 and rest.isalnum()


class Collections:
    """One record per collection, named by its id."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def all(self) -> list[Collection]:
        """Every collection, oldest first."""
        try:
            async with self._store.session() as session:
                entries = await session.fetch_all(CATEGORY)
        except AskarError as error:
            raise CollectionStoreError(f"collections could not be read: {error.message}") from None
        found = [Collection.model_validate_json(entry.value) for entry in entries]
        return sorted(found, key=lambda item: item.created)

    async def get(self, collection_id: str) -> Collection:
        if not is_collection_id(collection_id):
            raise CollectionNotFound(collection_id)
        try:
            async with self._store.session() as session:
                entry = await session.fetch(CATEGORY, collection_id)
        except AskarError as error:
            raise CollectionStoreError(
                f"the collection could not be read: {error.message}"
            ) from None
        if entry is None:
            raise CollectionNotFound(collection_id)
        return Collection.model_validate_json(entry.value)

    async def create(self, name: str, credential_ids: list[str]) -> Collection:
        collection = Collection(
            id=ID_PREFIX + secrets.token_hex(16),
            name=clean_name(name),
            credential_ids=_distinct(credential_ids),
            created=datetime.now(UTC),
        )
        _check_size(collection)
        try:
            async with self._store.transaction() as txn:
                if await txn.count(CATEGORY) >= MAX_COLLECTIONS:
                    raise TooManyCollections(f"there are already {MAX_COLLECTIONS} collections")
                await txn.insert(CATEGORY, collection.id, collection.model_dump_json())
                await txn.commit()
        except AskarError as error:
            raise CollectionStoreError(
                f"the collection could not be kept: {error.message}"
            ) from None
        return collection

    async def rename(self, collection_id: str, name: str) -> Collection:
        cleaned = clean_name(name)
        return await self._change(collection_id, lambda c: c.model_copy(update={"name": cleaned}))

    async def add(
        self, collection_id: str, credential_ids: list[str], held: set[str]
    ) -> Collection:
        """Append the ids not in it yet; ids no longer `held` are dropped on the way."""

        def added(collection: Collection) -> Collection:
            ids = _distinct([*collection.credential_ids, *credential_ids])
            return collection.model_copy(update={"credential_ids": [i for i in ids if i in held]})

        return await self._change(collection_id, added)

    async def reorder(self, collection_id: str, order: list[str], held: set[str]) -> Collection:
        """Put the parts in `order`, which must name exactly the parts still `held`
        (CollectionChanged otherwise: the page that sent it was out of date)."""

        def reordered(collection: Collection) -> Collection:
            current = [i for i in collection.credential_ids if i in held]
            if len(order) != len(set(order)) or set(order) != set(current):
                raise CollectionChanged("the order does not name the collection's parts")
            return collection.model_copy(update={"credential_ids": list(order)})

        return await self._change(collection_id, reordered)

    async def remove(self, collection_id: str, credential_id: str) -> Collection:
        """Take one credential out; CollectionNotFound(reason="part") if it was not in it."""

        def removed(collection: Collection) -> Collection:
            if credential_id not in collection.credential_ids:
                raise CollectionNotFound(credential_id, "part")
            ids = [i for i in collection.credential_ids if i != credential_id]
            return collection.model_copy(update={"credential_ids": ids})

        return await self._change(collection_id, removed)

    async def delete(self, collection_id: str) -> None:
        if not is_collection_id(collection_id):
            raise CollectionNotFound(collection_id)
        try:
            async with self._store.transaction() as txn:
                if await txn.fetch(CATEGORY, collection_id, for_update=True) is None:
                    raise CollectionNotFound(collection_id)
                await txn.remove(CATEGORY, collection_id)
                await txn.commit()
        except AskarError as error:
            raise CollectionStoreError(
                f"the collection could not be removed: {error.message}"
            ) from None

    async def _change(self, collection_id: str, change: _Change) -> Collection:
        """Read, change and write one collection in one transaction."""
        if not is_collection_id(collection_id):
            raise CollectionNotFound(collection_id)
        try:
            async with self._store.transaction() as txn:
                entry = await txn.fetch(CATEGORY, collection_id, for_update=True)
                if entry is None:
                    raise CollectionNotFound(collection_id)
                changed = change(Collection.model_validate_json(entry.value))
                _check_size(changed)
                await txn.replace(CATEGORY, collection_id, changed.model_dump_json())
                await txn.commit()
        except AskarError as error:
            raise CollectionStoreError(
                f"the collection could not be kept: {error.message}"
            ) from None
        return changed


def _check_size(collection: Collection) -> None:
    if len(collection.credential_ids) > MAX_PARTS:
        raise CollectionFull(f"a collection holds at most {MAX_PARTS} credentials")


def _distinct(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))
