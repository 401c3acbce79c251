"""A restored wallet refuses to start while its original runs on the same computer."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.data_dir import DataDir
from tests.unit.test_wallet_lock import HOLDER
from wallet.provision import ensure_ui_token
from wallet.twin_guard import OriginalRuns, refuse_if_original_runs
from wallet.wallet_key import RestoredFrom, WalletRecord, load_wallet_record, provision_key


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


@pytest.fixture
def original(tmp_path: Path) -> DataDir:
    data_dir = DataDir(tmp_path / "old")
    data_dir.root.mkdir()
    provision_key(data_dir, _no_prompt)
    ensure_ui_token(data_dir)
    return data_dir


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
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(original.root)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield
    holder.kill()
    holder.wait(timeout=10)


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
