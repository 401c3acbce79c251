"""Backups of the running wallet: automatic after each change that matters, now, or a download.

After a change (`matters`), a fresh encrypted backup goes into the learner's backup folder
under the saved backup key (no Argon2, no secret asked), at most once every `min_interval`
seconds: a change inside that window waits for its end and is never dropped. One backup at
a time, each in a process of its own (worker.py says why), so the screens stay responsive.
The last result is kept in the controller store; a failure never stops the wallet and is
tried again when the next window ends. Without a saved key or a folder nothing is written,
and the status says why.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from agent.events import AgentEvent, EventBus
from config.data_dir import DataDir
from config.settings import SettingsError, WalletSettings, load_settings
from wallet.backup.archive import BackupKey
from wallet.backup.crypto import KdfCost
from wallet.backup.errors import BackupError, DiskFull
from wallet.backup.first_secret import SecretSetup
from wallet.backup.header import SecretKind
from wallet.backup.last_backup import (
    BackupFailed,
    BackupWritten,
    FailureReason,
    LastBackup,
    load_last,
    save_last,
)
from wallet.backup.saved_key import load_saved_key
from wallet.backup.worker import Job, Result
from wallet.controller_store import ControllerStore
from wallet.credentials.stored import DELETED_TOPIC, REVOKED_TOPIC, STORED_TOPIC
from wallet.stacks.learner_collections import COLLECTIONS_CHANGED
from wallet.wallet_key import WalletSecret

LOGGER = logging.getLogger(__name__)
# A credential stored, deleted or found revoked; a proof answered or declined (history); the
# learner's collections changed.
CHANGE_TOPICS = frozenset(
    {
        STORED_TOPIC,
        DELETED_TOPIC,
        REVOKED_TOPIC,
        "request_answered",
        "request_declined",
        COLLECTIONS_CHANGED,
    }
)
CONNECTION_TOPIC = "connections"
CONNECTION_CHANGES = frozenset({"active", "completed", "deleted"})
Unavailable = Literal["no_secret", "no_folder", "folder_missing"]


def matters(event: AgentEvent) -> bool:
    """A change a backup must hold: credentials, connections made or removed, history."""
    if event.topic in CHANGE_TOPICS:
        return True
    return (
        event.topic == CONNECTION_TOPIC
        and event.source == "webhook"
        and event.payload.get("state") in CONNECTION_CHANGES
    )


@dataclass(frozen=True)
class BackupPlan:
    folder: Path | None
    keep: int


def plan_of(data_dir: DataDir, running: WalletSettings) -> BackupPlan:
    """Folder and N as saved now (Settings applies them without a restart), else as started."""
    try:
        settings = load_settings(data_dir.config_file)
    except SettingsError:
        settings = running
    return BackupPlan(settings.backup_folder, settings.backup_keep)


class BackupUnavailable(BackupError):
    """No saved backup key yet, or no folder chosen: nothing was written."""

    def __init__(self, reason: Unavailable) -> None:
        super().__init__(reason)
        self.reason = reason


class BackupFailure(BackupError):
    """Writing the backup failed; `failed` says why in a word the screens explain."""

    def __init__(self, failed: BackupFailed) -> None:
        super().__init__(failed.detail)
        self.failed = failed


class BackupStatus(BaseModel):
    folder: str | None
    keep: int
    min_interval: float
    secret_set: bool
    secret_kind: SecretKind | None
    automatic: bool  # on: a secret is saved and the folder is there
    automatic_off: Unavailable | None
    waiting: bool  # a change waits for the end of its window
    underway: bool  # a backup is being written: `last` may not hold the latest change yet
    phrase_check: list[int] | None  # while a shown phrase waits: the words asked back
    last: BackupWritten | None
    failure: BackupFailed | None


class WalletBackups:
    """The running wallet's backups; `run` is its automatic part (a task of the wallet)."""

    def __init__(
        self,
        data_dir: DataDir,
        secret: WalletSecret,
        store: ControllerStore,
        plan: Callable[[], BackupPlan],
        *,
        min_interval: float = 300.0,
        cost: KdfCost | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.data_dir = data_dir
        self.store = store
        self.setup = SecretSetup(cost)
        self._secret = secret
        self._plan = plan
        self._min_interval = min_interval
        self._sleep = sleep
        self._due = asyncio.Event()
        self._lock = asyncio.Lock()
        self._last_try: float | None = None
        self._automatic_underway = False

    async def run(self, bus: EventBus) -> None:
        """Until cancelled: back up after changes, one window apart; never raises."""
        async with bus.subscribe() as queue:
            watcher = asyncio.create_task(self._watch(queue))
            try:
                last = await load_last(self.store.store)
                if last.pending or last.failed:  # left over from before a restart
                    self._due.set()
                while True:
                    await self._due.wait()
                    await self._wait_for_window()
                    self._automatic_underway = True
                    self._due.clear()
                    try:
                        await self._automatic()
                    finally:
                        self._automatic_underway = False
            finally:
                watcher.cancel()

    async def changed(self) -> None:
        """A change to back up: now, or when the current window ends (kept across restarts)."""
        if not self._due.is_set():
            self._due.set()
            await self._update(lambda last: last.model_copy(update={"pending": True}))

    async def back_up_now(self) -> BackupWritten:
        """A backup into the folder now (after the one under way, if any)."""
        plan = self._plan()
        await self._needs_key()
        if plan.folder is None:
            raise BackupUnavailable("no_folder")
        return await self._into_folder(plan.folder, plan.keep, automatic=False)

    @asynccontextmanager
    async def download(self) -> AsyncIterator[Path]:
        """A fresh backup file in a private temp dir, removed once the caller is done."""
        await self._needs_key()
        work: Path | None = None
        try:
            try:  # in the data dir: private, and on a disk the wallet already uses
                work = Path(tempfile.mkdtemp(prefix=".backup-download-", dir=self.data_dir.root))
                async with self._lock:
                    taken = datetime.now(UTC)
                    out = await _in_worker(self.data_dir, self._secret, work, None)
            except Exception as error:
                raise BackupFailure(_failure(error, work or self.data_dir.root)) from None
            # Recorded before it leaves: a handler may be cancelled once the last byte went.
            written = _written(out, None, taken, automatic=False)
            await self._update(lambda last: LastBackup(written=written, pending=last.pending))
            yield out
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)

    async def status(self) -> BackupStatus:
        plan = self._plan()
        key = await load_saved_key(self.store.store)
        last = await load_last(self.store.store)
        off = _unavailable(plan, key)
        folder = str(plan.folder) if plan.folder else None  # a failure elsewhere is past
        return BackupStatus(
            folder=folder,
            keep=plan.keep,
            min_interval=self._min_interval,
            secret_set=key is not None,
            secret_kind=key.kind if key else None,
            automatic=off is None,
            automatic_off=off,
            waiting=self._due.is_set(),
            underway=self._automatic_underway or self._lock.locked(),
            phrase_check=self.setup.waiting,
            last=last.written,
            failure=failed if (failed := last.failed) and failed.folder == folder else None,
        )

    async def _watch(self, queue: asyncio.Queue[AgentEvent]) -> None:
        while True:
            event = await queue.get()
            if matters(event):
                try:
                    await self.changed()
                except Exception as error:  # the store may be closing; the flag is in memory
                    LOGGER.warning("backup change not noted: %s", type(error).__name__)

    async def _wait_for_window(self) -> None:
        if self._last_try is not None:
            remaining = self._last_try + self._min_interval - time.monotonic()
            if remaining > 0:
                await self._sleep(remaining)

    async def _automatic(self) -> None:
        self._last_try = time.monotonic()  # a failed try also waits a window before the next
        try:
            plan = self._plan()
            key = await load_saved_key(self.store.store)
            off = _unavailable(plan, key)
            if off is not None:
                if off == "folder_missing":
                    assert plan.folder is not None
                    await self._failed(_failure(FileNotFoundError(plan.folder), plan.folder))
                    self._due.set()  # tried again when the next window ends
                else:
                    LOGGER.info("no automatic backup: %s", off)
                    await self._update(lambda last: last.model_copy(update={"pending": False}))
                return
            assert plan.folder is not None
            await self._into_folder(plan.folder, plan.keep, automatic=True)
        except BackupFailure:
            self._due.set()  # tried again when the next window ends
        except Exception as error:  # never stop the wallet
            LOGGER.error("automatic backup: %s", type(error).__name__)
            self._due.set()

    async def _into_folder(self, folder: Path, keep: int, *, automatic: bool) -> BackupWritten:
        async with self._lock:
            self._last_try = time.monotonic()
            taken = datetime.now(UTC)
            try:
                out = await _in_worker(self.data_dir, self._secret, folder, keep)
            except Exception as error:
                failed = _failure(error, folder)
                await self._failed(failed)
                raise BackupFailure(failed) from None
            written = _written(out, folder, taken, automatic=automatic)
            pending = self._due.is_set()  # a change came in while this one was written
            await self._update(lambda _last: LastBackup(written=written, pending=pending))
        LOGGER.info("backup written: %s (%d bytes)", out.name, written.size)
        return written

    async def _failed(self, failed: BackupFailed) -> None:
        LOGGER.warning("backup into %s failed: %s", failed.folder, failed.reason)
        await self._update(lambda last: last.model_copy(update={"failed": failed}))

    async def _update(self, change: Callable[[LastBackup], LastBackup]) -> None:
        last = await load_last(self.store.store)
        await save_last(self.store.store, change(last))

    async def _needs_key(self) -> None:
        """BackupUnavailable before anything is made, while no backup key is saved."""
        if await load_saved_key(self.store.store) is None:
            raise BackupUnavailable("no_secret")


def _unavailable(plan: BackupPlan, key: BackupKey | None) -> Unavailable | None:
    if key is None:
        return "no_secret"
    if plan.folder is None:
        return "no_folder"
    if not plan.folder.is_dir():
        return "folder_missing"
    return None


async def _in_worker(
    data_dir: DataDir, secret: WalletSecret, folder: Path, keep: int | None
) -> Path:
    """One backup by `python -m wallet.backup.worker` (why another process: see there).

    A wallet that stops meanwhile waits for it: the file is finished, never left half.
    """
    job = Job(data_dir=data_dir.root, secret=secret, folder=folder, keep=keep)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wallet.backup.worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    talking = asyncio.ensure_future(process.communicate(job.model_dump_json().encode()))
    try:
        output, _ = await asyncio.shield(talking)
    except asyncio.CancelledError:
        await asyncio.wait([talking])
        raise
    try:
        result = Result.model_validate_json(output)
    except ValueError:
        detail = f"the backup process ended without an answer ({process.returncode})"
        raise BackupError(detail) from None
    if result.problem == "disk_full":
        raise DiskFull(result.detail)
    if result.problem == "not_writable":
        raise PermissionError(result.detail)
    if result.problem == "no_secret":
        raise BackupUnavailable("no_secret")
    if result.problem is not None or result.file is None:
        raise BackupError(result.detail or "the backup process failed")
    return result.file


def _written(out: Path, folder: Path | None, taken: datetime, *, automatic: bool) -> BackupWritten:
    """`at` is when the backup began: everything the wallet held then is in it."""
    return BackupWritten(
        at=taken,
        file=out.name,
        folder=str(folder) if folder else None,
        size=out.stat().st_size,
        automatic=automatic,
    )


def _failure(error: BaseException, folder: Path) -> BackupFailed:
    """Why a backup into `folder` failed, in a word the screens explain."""
    reason: FailureReason
    if not folder.is_dir():
        reason = "folder_missing"
    elif isinstance(error, DiskFull):
        reason = "disk_full"
    elif isinstance(error, PermissionError) or not os.access(folder, os.W_OK | os.X_OK):
        reason = "folder_not_writable"
    else:
        reason = "failed"
    detail = str(error) or type(error).__name__
    return BackupFailed(at=datetime.now(UTC), reason=reason, folder=str(folder), detail=detail)
