"""The wallet's copy of every basic message, in the controller's encrypted store.

ACA-Py only announces a message (webhook `basicmessages`) and forgets it, so the wallet
keeps each one here: by connection, in arrival order (the store's row order), with an
unread flag as a tag so counts and pages are tag queries, never a scan of everything.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from aries_askar import AskarError, AskarErrorCode

from protocols.messages.models import BasicMessage, MessagePage
from wallet.controller_store import ControllerStore

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

CATEGORY = "basic_message"
MAX_PAGE = 200


class MessageStoreError(Exception):
    """The store could not keep or read messages."""


def received_key(connection_id: str, message_id: str) -> str:
    """One name per message a peer sent, so a webhook delivered twice keeps one copy."""
    digest = hashlib.sha256(f"{connection_id}\x00{message_id}".encode()).hexdigest()
    return f"in-{digest}"


def _tags(message: BasicMessage) -> dict[str, str]:
    return {
        "connection_id": message.connection_id,
        "direction": message.direction,
        "unread": "0" if message.read else "1",
    }


class MessageBook:
    """Add, page, mark read and forget a connection's messages."""

    def __init__(self, store: ControllerStore) -> None:
        self._store = store.store

    async def add(self, message: BasicMessage, key: str | None = None) -> bool:
        """Keep one message; False when a message of that key is already kept."""
        try:
            async with self._store.session() as session:
                await session.insert(
                    CATEGORY,
                    key or f"out-{message.id}",
                    message.model_dump_json(),
                    tags=_tags(message),
                )
        except AskarError as error:
            if error.code == AskarErrorCode.DUPLICATE:
                return False
            raise MessageStoreError(f"a message could not be kept: {error.message}") from None
        return True

    async def page(self, connection_id: str, limit: int = 50, offset: int = 0) -> MessagePage:
        """The newest `limit` messages after skipping `offset` newer ones, oldest first."""
        limit = max(1, min(limit, MAX_PAGE))
        offset = max(0, offset)
        mine = {"connection_id": connection_id}
        try:
            async with self._store.session() as session:
                total = await session.count(CATEGORY, mine)
                unread = await session.count(CATEGORY, {**mine, "unread": "1"})
            scan = self._store.scan(
                CATEGORY, mine, offset=offset, limit=limit, order_by="id", descending=True
            )
            rows = [BasicMessage.model_validate_json(row.value) async for row in scan]
        except AskarError as error:
            raise MessageStoreError(f"messages could not be read: {error.message}") from None
        rows.reverse()
        return MessagePage(messages=rows, total=total, unread=unread, limit=limit, offset=offset)

    async def mark_read(self, connection_id: str) -> int:
        """Mark every unread message of the connection read; how many were unread."""
        try:
            async with self._store.transaction() as txn:
                rows = await txn.fetch_all(
                    CATEGORY, {"connection_id": connection_id, "unread": "1"}, for_update=True
                )
                for row in rows:
                    message = BasicMessage.model_validate_json(row.value)
                    message = message.model_copy(update={"read": True})
                    await txn.replace(
                        CATEGORY, row.name, message.model_dump_json(), tags=_tags(message)
                    )
                await txn.commit()
        except AskarError as error:
            raise MessageStoreError(f"messages could not be marked: {error.message}") from None
        return len(rows)

    async def unread(self) -> dict[str, tuple[int, datetime]]:
        """Per connection: how many messages are unread, and when the last arrived."""
        try:
            async with self._store.session() as session:
                rows = await session.fetch_all(CATEGORY, {"unread": "1"})
        except AskarError as error:
            raise MessageStoreError(f"messages could not be read: {error.message}") from None
        counts: Counter[str] = Counter()
        last: dict[str, datetime] = {}
        for row in rows:
            message = BasicMessage.model_validate_json(row.value)
            counts[message.connection_id] += 1
            if message.connection_id not in last or message.at > last[message.connection_id]:
                last[message.connection_id] = message.at
        return {key: (count, last[key]) for key, count in counts.items()}

    async def count(self, connection_id: str) -> int:
        try:
            async with self._store.session() as session:
                return await session.count(CATEGORY, {"connection_id": connection_id})
        except AskarError as error:
            raise MessageStoreError(f"messages could not be counted: {error.message}") from None

    async def forget(self, connection_id: str) -> int:
        """Remove the connection's whole conversation; how many messages went."""
        try:
            async with self._store.session() as session:
                return await session.remove_all(CATEGORY, {"connection_id": connection_id})
        except AskarError as error:
            raise MessageStoreError(f"messages could not be removed: {error.message}") from None


def message_book(services: WalletServices) -> MessageBook:
    """The running wallet's one message book, made on first use."""
    if services.messages is None:
        if services.store is None:
            raise RuntimeError("messages need the controller store")
        services.messages = MessageBook(services.store)
    return services.messages
