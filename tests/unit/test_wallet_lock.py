"""The data dir's lock: a starting wallet (no run.json yet) is seen by wipe, backup and status."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.data_dir import DataDir
from config.wallet_lock import WalletInUse, hold_wallet_lock, wallet_in_use
from ui.cli import exit_codes
from ui.cli.control import status
from ui.cli.wipe import wipe
from wallet.provision import ensure_ui_token
from wallet.wallet_key import provision_key

HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


def small_wallet(root: Path) -> DataDir:
    """wallet.json, its keyring entry and the UI token: enough for the lock's users."""
    data_dir = DataDir(root)
    data_dir.root.mkdir()
    provision_key(data_dir, _no_prompt)
    ensure_ui_token(data_dir)
    return data_dir


@contextlib.contextmanager
def lock_held_elsewhere(data_dir: DataDir) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the lock, as a `start` does from its first step (no run.json)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return small_wallet(tmp_path / "wallet")


@pytest.fixture
def other_process_holds_it(data_dir: DataDir) -> Iterator[subprocess.Popen[str]]:
    with lock_held_elsewhere(data_dir) as holder:
        yield holder


def test_a_free_wallet_is_not_in_use_and_can_be_locked_again(data_dir: DataDir) -> None:
    assert not wallet_in_use(data_dir)
    with hold_wallet_lock(data_dir):
        pass
    with hold_wallet_lock(data_dir):
        pass
    assert not wallet_in_use(data_dir)
    assert sorted(p.name for p in data_dir.root.iterdir()) == ["ui-token", "wallet.json"]


def test_a_held_lock_is_seen_and_refused(
    data_dir: DataDir, other_process_holds_it: subprocess.Popen[str]
) -> None:
    assert wallet_in_use(data_dir)
    with pytest.raises(WalletInUse, match="in use by another program"), hold_wallet_lock(data_dir):
        raise AssertionError("the lock was granted twice")


def test_the_lock_goes_with_a_killed_process(
    data_dir: DataDir, other_process_holds_it: subprocess.Popen[str]
) -> None:
    assert wallet_in_use(data_dir)
    other_process_holds_it.kill()  # SIGKILL: no clean-up code runs
    other_process_holds_it.wait(timeout=10)
    assert not wallet_in_use(data_dir)


def test_wipe_refuses_a_starting_wallet_and_deletes_nothing(
    data_dir: DataDir, other_process_holds_it: subprocess.Popen[str], capsys
) -> None:
    assert not data_dir.run_file.exists()  # starting: run.json comes only once it is up
    before = sorted(p.name for p in data_dir.root.iterdir())
    assert wipe(data_dir, yes=True) == exit_codes.WALLET_RUNNING
    assert "stop it first" in capsys.readouterr().err
    assert sorted(p.name for p in data_dir.root.iterdir()) == before


def test_status_says_starting(
    data_dir: DataDir, other_process_holds_it: subprocess.Popen[str], capsys
) -> None:
    assert status(data_dir) == exit_codes.FAILED
    assert "is starting" in capsys.readouterr().out


def test_a_dir_that_does_not_exist_is_not_in_use(tmp_path: Path) -> None:
    missing = DataDir(tmp_path / "none")
    assert not wallet_in_use(missing)
    with hold_wallet_lock(missing):
        pass
    assert not missing.root.exists()
