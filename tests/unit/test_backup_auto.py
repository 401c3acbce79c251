"""Automatic backups of a running wallet (real Askar stores, a real event bus, no ACA-Py).

The window between two automatic backups is made controllable: the runner's `sleep` waits
for the test to release it, so "a change inside the window waits for its end" is checked
without timing anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.events import AgentEvent, EventBus
from config.data_dir import DataDir
from tests.unit.backup_wallet import cheap_key, eventually, make_wallet
from wallet.backup import auto
from wallet.backup.archive import BackupKey, read_backup_header, verify
from wallet.backup.auto import (
    BackupFailure,
    BackupPlan,
    BackupUnavailable,
    WalletBackups,
    matters,
)
from wallet.backup.errors import DiskFull
from wallet.backup.files import is_own_backup
from wallet.backup.last_backup import load_last
from wallet.backup.saved_key import save_key
from wallet.backup.snapshot import make_backup
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletSecret

WINDOW = 300.0


@dataclass
class Window:
    """Stands in for asyncio.sleep: records what was asked and waits to be released."""

    asked: list[float] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self.released.wait()
        self.released.clear()


@dataclass
class Running:
    data_dir: DataDir
    secret: WalletSecret
    store: ControllerStore
    folder: Path
    bus: EventBus
    window: Window
    backups: WalletBackups
    plan: dict[str, object]

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.lwbackup")) if self.folder.is_dir() else []

    def idle(self) -> bool:
        """No backup under way and no change waiting."""
        return not self.backups._lock.locked() and not self.backups._due.is_set()

    def change(self) -> None:
        self.bus.publish(AgentEvent(topic="credential_stored", source="wallet"))


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    data_dir, secret, store = await make_wallet(tmp_path / "wallet")
    folder = tmp_path / "cloud"
    folder.mkdir()
    plan: dict[str, object] = {"folder": folder, "keep": 10}
    window = Window()
    backups = WalletBackups(
        data_dir,
        secret,
        store,
        lambda: BackupPlan(plan["folder"], plan["keep"]),  # type: ignore[arg-type]
        min_interval=WINDOW,
        sleep=window.sleep,
    )
    bus = EventBus()
    task = asyncio.create_task(backups.run(bus))
    await eventually(lambda: bus.subscriber_count == 1, "the runner to listen")
    try:
        yield Running(data_dir, secret, store, folder, bus, window, backups, plan)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await store.close()


async def _with_key(run: Running) -> BackupKey:
    key = cheap_key()
    await save_key(run.store.store, key)
    return key


def test_what_counts_as_a_change() -> None:
    assert matters(AgentEvent(topic="credential_stored", source="wallet"))
    assert matters(AgentEvent(topic="credential_deleted", source="wallet"))
    assert matters(AgentEvent(topic="request_answered", source="wallet"))
    assert matters(AgentEvent(topic="collections_changed", source="wallet"))
    assert matters(AgentEvent(topic="connections", payload={"state": "active"}))
    assert not matters(AgentEvent(topic="connections", payload={"state": "request"}))
    assert not matters(
        AgentEvent(topic="connections", payload={"state": "active"}, source="reconcile")
    )
    assert not matters(AgentEvent(topic="offer_updated", source="wallet"))
    assert not matters(AgentEvent(topic="delivery", source="wallet"))


async def test_changes_inside_the_window_wait_for_its_end_and_are_never_dropped(
    running: Running,
) -> None:
    key = await _with_key(running)
    running.change()
    first = await eventually(running.files, "the first automatic backup")
    assert len(first) == 1 and running.window.asked == []  # the first one does not wait
    assert is_own_backup(first[0], key)

    running.change()
    running.change()
    await eventually(lambda: running.window.asked, "the runner to wait for the window's end")
    assert 0 < running.window.asked[0] <= WINDOW
    assert len(running.files()) == 1  # nothing is written inside the window
    assert (await running.backups.status()).waiting

    running.window.released.set()
    both = await eventually(lambda: len(running.files()) == 2 and running.files(), "the second")
    await eventually(running.idle, "the runner to be idle")
    status = await running.backups.status()
    assert not status.waiting and status.last is not None
    newest = max(both, key=lambda path: path.stat().st_mtime_ns)
    assert status.last.file == newest.name and status.last.automatic
    assert status.last.size == newest.stat().st_size
    assert len(running.window.asked) == 1  # two changes, one backup after the window
    manifest, _ = verify(newest, key.master)  # a whole, readable backup of this wallet
    assert manifest.source.running and manifest.source.wallet_name == "w"


async def test_a_change_while_a_backup_is_written_gets_a_backup_of_its_own(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first backup may have copied the store before the change: its time says so."""
    await _with_key(running)
    real = auto._in_worker
    underway = asyncio.Event()
    go_on = asyncio.Event()

    async def held(*args: Any) -> Path:
        underway.set()
        await go_on.wait()
        return await real(*args)

    monkeypatch.setattr("wallet.backup.auto._in_worker", held)
    running.change()
    await underway.wait()
    changed_at = datetime.now(UTC)
    running.change()  # while the first backup is written
    during = await running.backups.status()
    assert during.underway and during.waiting and during.last is None
    go_on.set()
    await eventually(lambda: running.window.asked, "the runner to wait for the window's end")
    first = await running.backups.status()
    assert first.last is not None and first.last.at < changed_at
    assert first.waiting  # the change is not taken as backed up

    running.window.released.set()
    await eventually(lambda: len(running.files()) == 2, "the backup after the change")
    await eventually(running.idle, "the runner to be idle")
    second = await running.backups.status()
    assert second.last is not None and second.last.at > changed_at
    assert not second.waiting and not second.underway


async def test_keep_n_removes_only_this_wallets_own_backups(running: Running) -> None:
    key = await _with_key(running)
    other_key = cheap_key("another wallet's passphrase")
    named = "learner-wallet-2020-01-01-000000.lwbackup"
    # Another wallet's backup under this wallet's file names (made with no store open in this
    # process on its files, as make_backup requires).
    other_dir, other_secret, other_store = await make_wallet(running.folder.parent / "other")
    await other_store.close()
    await make_backup(other_dir, other_secret, other_key, running.folder / named, running=False)
    junk = running.folder / "learner-wallet-2019-01-01-000000.lwbackup"
    junk.write_text("not a backup")
    notes = running.folder / "notes.txt"
    notes.write_text("my notes")
    running.plan["keep"] = 2

    made = [await running.backups.back_up_now() for _ in range(3)]

    own = [p for p in running.files() if is_own_backup(p, key)]
    assert sorted(p.name for p in own) == sorted(w.file for w in made[1:])  # the newest two
    assert (running.folder / named).exists() and junk.read_text() == "not a backup"
    assert notes.read_text() == "my notes"
    assert read_backup_header(running.folder / named).salt == other_key.salt


async def test_a_failure_is_recorded_kept_across_restarts_and_retried_after_the_window(
    running: Running,
) -> None:
    await _with_key(running)
    running.plan["folder"] = running.folder / "unplugged"
    status = await running.backups.status()
    assert not status.automatic and status.automatic_off == "folder_missing"
    running.change()
    await eventually(lambda: running.window.asked, "the retry to wait for the window")
    last = await load_last(running.store.store)
    assert last.failed is not None and last.failed.reason == "folder_missing"
    assert last.failed.folder == str(running.folder / "unplugged") and last.written is None

    running.plan["folder"] = running.folder  # the drive is back
    running.window.released.set()
    await eventually(running.files, "the retried backup")
    await eventually(running.idle, "the runner to be idle")
    again = WalletBackups(
        running.data_dir,
        running.secret,
        running.store,
        lambda: BackupPlan(running.folder, 10),
    )  # as after a restart: what is kept comes from the store
    status = await again.status()
    assert status.failure is None and status.last is not None
    assert status.last.folder == str(running.folder)


async def test_disk_full_is_said_in_its_own_word(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _with_key(running)

    async def full(*_args: object, **_kwargs: object) -> None:
        raise DiskFull("the disk is full: the backup could not be written")

    monkeypatch.setattr("wallet.backup.auto._in_worker", full)  # as the worker reports it
    with pytest.raises(BackupFailure) as caught:
        await running.backups.back_up_now()
    assert caught.value.failed.reason == "disk_full"
    status = await running.backups.status()
    assert status.failure is not None and status.failure.reason == "disk_full"
    assert running.files() == []


async def test_without_a_key_or_a_folder_nothing_is_written_and_the_status_says_why(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "wallet.backup.auto")
    status = await running.backups.status()
    assert not status.secret_set and status.automatic_off == "no_secret"
    running.change()
    await eventually(lambda: "no automatic backup: no_secret" in caplog.text, "the runner")
    with pytest.raises(BackupUnavailable) as caught:
        await running.backups.back_up_now()
    assert caught.value.reason == "no_secret"

    await _with_key(running)
    running.plan["folder"] = None
    status = await running.backups.status()
    assert status.secret_set and status.secret_kind == "passphrase"
    assert status.automatic_off == "no_folder" and not status.automatic
    running.change()
    await eventually(lambda: running.window.asked, "the window after the first try")
    running.window.released.set()
    await eventually(lambda: "no automatic backup: no_folder" in caplog.text, "the runner")
    with pytest.raises(BackupUnavailable):
        await running.backups.back_up_now()
    assert running.files() == []
    assert (await load_last(running.store.store)).failed is None


async def test_a_change_left_pending_at_a_stop_is_backed_up_at_the_next_start(
    tmp_path: Path,
) -> None:
    data_dir, secret, store = await make_wallet(tmp_path / "wallet")
    folder = tmp_path / "cloud"
    folder.mkdir()
    await save_key(store.store, cheap_key())
    try:
        plan = BackupPlan(folder, 10)
        stopped = WalletBackups(data_dir, secret, store, lambda: plan)
        await stopped.changed()  # noted, but the wallet stops before the window ends
        assert (await load_last(store.store)).pending

        started = WalletBackups(data_dir, secret, store, lambda: plan)
        task = asyncio.create_task(started.run(EventBus()))
        try:
            await eventually(lambda: list(folder.glob("*.lwbackup")), "the backup at start")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        await store.close()


async def test_the_wallets_own_store_keeps_working_while_it_is_backed_up(
    running: Running,
) -> None:
    """The copy is taken from another process: the wallet's SQLite locks stay its own."""
    await _with_key(running)

    async def write() -> None:
        for number in range(150):
            async with running.store.store.transaction() as session:
                await session.insert("note", f"n{number}", b"kept")
                await session.commit()
            await asyncio.sleep(0.005)

    writing = asyncio.create_task(write())
    made = [await running.backups.back_up_now() for _ in range(3)]
    await writing
    async with running.store.store.session() as session:
        assert await session.count("note") == 150
    assert len({w.file for w in made}) == 3 and len(running.files()) == 3
