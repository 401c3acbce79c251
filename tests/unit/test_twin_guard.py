"""A restored wallet refuses to start while its original runs on the same computer."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.data_dir import DataDir
from tests.unit.test_wallet_lock import lock_held_elsewhere, small_wallet
from wallet.twin_guard import OriginalRuns, refuse_if_original_runs
from wallet.wallet_key import RestoredFrom, WalletRecord, load_wallet_record


@pytest.fixture
def original(tmp_path: Path) -> DataDir:
    return small_wallet(tmp_path / "old")


def _restored_record(original: DataDir, host: str | None = None) -> WalletRecord:
    now = datetime.now(UTC)
    origin = RestoredFrom(
        backup_id="b-1",
        backup_created=now,
        host=host or socket.gethostname(),
        data_dir=str(original.root),
        restored=now,
    )
    return load_wallet_record(original).model_copy(update={"restored_from": origin})


@pytest.fixture
def original_runs(original: DataDir) -> Iterator[None]:
    with lock_held_elsewhere(original):
        yield


def test_a_running_original_stops_the_restored_copy(
    tmp_path: Path, original: DataDir, original_runs: None
) -> None:
    restored = DataDir(tmp_path / "new")
    with pytest.raises(OriginalRuns, match="restored from runs now") as raised:
        refuse_if_original_runs(restored, _restored_record(original))
    assert str(original.root) in str(raised.value) and "stop" in str(raised.value)


def test_a_stopped_original_lets_it_start(tmp_path: Path, original: DataDir) -> None:
    refuse_if_original_runs(DataDir(tmp_path / "new"), _restored_record(original))


def test_an_original_on_another_computer_cannot_be_seen(
    tmp_path: Path, original: DataDir, original_runs: None
) -> None:
    record = _restored_record(original, host="the-old-laptop")
    refuse_if_original_runs(DataDir(tmp_path / "new"), record)


def test_another_wallet_now_in_the_old_dir_is_not_the_original(
    tmp_path: Path, original: DataDir, original_runs: None
) -> None:
    record = _restored_record(original).model_copy(update={"wallet_name": "someone-else"})
    refuse_if_original_runs(DataDir(tmp_path / "new"), record)


def test_a_wallet_never_restored_is_not_checked(tmp_path: Path, original: DataDir) -> None:
    refuse_if_original_runs(original, load_wallet_record(original))
