"""The last backup and the last failure, kept in the controller store so restarts keep them.

The home page says when the last backup was made, or warns while the automatic one fails;
a failure is a reason the screens put in plain words, and a detail for experts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aries_askar import Store
from pydantic import BaseModel, ValidationError

from wallet.controller_store import put_value

CATEGORY = "backup_status"
NAME = "last"

FailureReason = Literal["folder_missing", "folder_not_writable", "disk_full", "failed"]


class BackupWritten(BaseModel):
    at: datetime  # when it began: it holds what the wallet held at that moment
    file: str  # the file's name
    folder: str | None  # None: downloaded through the browser
    size: int
    automatic: bool


class BackupFailed(BaseModel):
    at: datetime
    reason: FailureReason
    folder: str
    detail: str  # technical, folded away on the screens; never a secret


class LastBackup(BaseModel):
    written: BackupWritten | None = None
    failed: BackupFailed | None = None  # only while no backup succeeded since
    pending: bool = False  # a change not backed up yet (kept across a restart)


async def load_last(store: Store) -> LastBackup:
    async with store.session() as session:
        entry = await session.fetch(CATEGORY, NAME)
    if entry is None:
        return LastBackup()
    try:
        return LastBackup.model_validate_json(entry.value)
    except ValidationError:  # written by another version: start afresh
        return LastBackup(pending=True)


async def save_last(store: Store, last: LastBackup) -> None:
    await put_value(store, CATEGORY, NAME, last.model_dump_json())
