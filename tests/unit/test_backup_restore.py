"""Backup of a real (Askar) data dir and restore under a new key; bad input changes nothing.

ACA-Py is not started here: its store is an Askar store like any other. The integration
test (tests/integration/test_backup_restore.py) runs the real wallet and peers.
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import pytest
from aries_askar import AskarError, Store
from keyring.backends import fail

from config.data_dir import DataDir
from ui.cli import backup as backup_cli
from ui.cli import exit_codes
from wallet.backup import restore as restore_module
from wallet.backup import snapshot as snapshot_module
from wallet.backup.archive import new_backup_key
from wallet.backup.crypto import KdfCost
from wallet.backup.errors import NeverStarted, WrongBackupSecret
from wallet.backup.restore import restore_backup
from wallet.backup.snapshot import make_backup
from wallet.controller_store import ControllerStore
from wallet.key_check import store_uri
from wallet.provision import init_wallet
from wallet.wallet_key import KEYRING_SERVICE, load_key, load_wallet_record, provision_key

CHEAP = KdfCost(opslimit=1, memlimit=8 * 1024)
PASSPHRASE = "a long backup passphrase"
ROOT = Path(__file__).resolve().parents[2]


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


async def _old_wallet(root: Path) -> DataDir:
    """A data dir as `init` and a few days of use leave it: both stores, settings."""
    data_dir = DataDir(root)
    root.mkdir()
    secret = provision_key(data_dir, _no_prompt)
    record = load_wallet_record(data_dir)
    record.inbound_port = 8765
    data_dir.wallet_file.write_text(record.model_dump_json())
    wallet_dir = data_dir.acapy_wallet_dir(record.wallet_name)
    wallet_dir.mkdir(parents=True)
    store = await Store.provision(store_uri(wallet_dir), secret.derivation, secret.key)
    async with store.session() as session:
        await session.insert("credential", "c1", b'{"score": "87"}', {"~kind": "course"})
    await store.close()
    controller = await ControllerStore.open(data_dir, secret)
    async with controller.store.session() as session:
        await session.insert("history", "h1", b"shared course title")
    await controller.close()
    data_dir.config_file.write_text('label = "Ada"\n')
    return data_dir


async def _backup(data_dir: DataDir, out: Path) -> None:
    secret = load_key(data_dir, _no_prompt)
    key = new_backup_key(PASSPHRASE, "passphrase", CHEAP)
    await make_backup(data_dir, secret, key, out, running=False, chunk_size=4096)


@pytest.fixture
def made(tmp_path: Path) -> tuple[DataDir, Path]:
    old = asyncio.run(_old_wallet(tmp_path / "old"))
    out = tmp_path / "backups" / "wallet.lwbackup"
    out.parent.mkdir()
    asyncio.run(_backup(old, out))
    return old, out


async def _fetch(store_dir: Path, derivation: str, key: str, category: str, name: str) -> bytes:
    store = await Store.open(store_uri(store_dir), derivation, key)
    try:
        async with store.session() as session:
            entry = await session.fetch(category, name)
            assert entry is not None
            return bytes(entry.value)
    finally:
        await store.close()


def test_restore_brings_both_stores_back_under_a_new_key(made, tmp_path) -> None:
    old, out = made
    assert sorted(p.name for p in out.parent.iterdir()) == ["wallet.lwbackup"]  # no work dir
    new = DataDir(tmp_path / "new")
    restored = asyncio.run(restore_backup(out, new, PASSPHRASE, _no_prompt))
    record = load_wallet_record(new)
    assert restored.key_storage == record.key_storage == "keyring"
    assert record.wallet_name == load_wallet_record(old).wallet_name
    assert record.inbound_port == 8765
    assert record.restored_from is not None and record.restored_from.data_dir == str(old.root)
    old_key, new_key = load_key(old, _no_prompt), load_key(new, _no_prompt)
    assert old_key.key != new_key.key
    wallet_dir = new.acapy_wallet_dir(record.wallet_name)
    value = asyncio.run(_fetch(wallet_dir, "RAW", new_key.key, "credential", "c1"))
    assert value == b'{"score": "87"}'
    value = asyncio.run(_fetch(new.controller_store, "RAW", new_key.key, "history", "h1"))
    assert value == b"shared course title"
    with pytest.raises(AskarError):
        asyncio.run(_fetch(wallet_dir, "RAW", old_key.key, "credential", "c1"))
    assert new.config_file.read_text() == 'label = "Ada"\n'
    assert new.ui_token_file.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "new", "old"]


def test_without_a_keyring_the_restored_wallet_takes_a_new_passphrase(
    made, tmp_path, monkeypatch
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "the new machine's passphrase")
    try:
        new = DataDir(tmp_path / "new")
        restored = asyncio.run(restore_backup(made[1], new, PASSPHRASE, _no_prompt))
    finally:
        keyring.set_keyring(previous)
    assert restored.key_storage == "passphrase"
    wallet_dir = new.acapy_wallet_dir(restored.record.wallet_name)
    value = asyncio.run(
        _fetch(wallet_dir, "kdf:argon2i:mod", "the new machine's passphrase", "credential", "c1")
    )
    assert value == b'{"score": "87"}'


def _spoil(case: str, out: Path, target: DataDir, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(out.read_bytes())
    if case == "bit_flip":
        data[len(data) // 2] ^= 0x10
        out.write_bytes(bytes(data))
    elif case == "truncated":
        out.write_bytes(bytes(data[: len(data) - 100]))
    elif case == "not_a_backup":
        out.write_bytes(b"PK\x03\x04 a zip file, say")
    elif case == "newer_format":
        from tests.unit.test_backup_format import _with_version

        _with_version(out, 2)
    elif case == "target_not_empty":
        target.root.mkdir()
        (target.root / "notes.txt").write_text("mine")
    elif case == "wrong_phrase":
        monkeypatch.setenv(backup_cli.BACKUP_PASSPHRASE_VARIABLE, "not the right passphrase")
    elif case == "disk_full":  # while the parts are written into the hidden dir
        real_fdopen = os.fdopen

        def full_disk(fd: int, mode: str = "r", *args: object) -> object:
            handle = real_fdopen(fd, mode, *args)  # type: ignore[call-overload]
            if mode == "wb":
                handle.write = _no_space
            return handle

        monkeypatch.setattr(os, "fdopen", full_disk)
    elif case == "disk_full_late":  # at the last small file, after both stores were re-keyed

        def full(*_args: object, **_kwargs: object) -> None:
            _no_space()

        monkeypatch.setattr(restore_module, "ensure_ui_token", full)
    elif case == "interrupted":

        async def interrupt(*_args: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(restore_module, "_rekey", interrupt)


def _no_space(*_args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


BAD_INPUT = {
    "wrong_phrase": exit_codes.WRONG_KEY,
    "bit_flip": exit_codes.BACKUP_DAMAGED,
    "truncated": exit_codes.BACKUP_DAMAGED,
    "not_a_backup": exit_codes.BACKUP_DAMAGED,
    "newer_format": exit_codes.BACKUP_TOO_NEW,
    "target_not_empty": exit_codes.DATA_DIR_TAKEN,
    "disk_full": exit_codes.DISK_FULL,
    "disk_full_late": exit_codes.DISK_FULL,
    "interrupted": exit_codes.INTERRUPTED,
}
DAMAGED = {"bit_flip", "truncated", "not_a_backup"}
MESSAGES = {
    "wrong_phrase": "does not open the backup",
    "bit_flip": "damaged",
    "truncated": "cut short",
    "not_a_backup": "not a Learner Wallet backup",
    "newer_format": "newer Learner Wallet",
    "target_not_empty": "is not empty",
    "disk_full": "disk is full",
    "disk_full_late": "disk is full",
    "interrupted": "interrupted",
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_changes_nothing_and_has_its_own_code(
    case, made, tmp_path, monkeypatch, capsys
) -> None:
    _old, out = made
    target = DataDir(tmp_path / "new")
    monkeypatch.setenv(backup_cli.BACKUP_PASSPHRASE_VARIABLE, PASSPHRASE)
    _spoil(case, out, target, monkeypatch)
    file_before = out.read_bytes()
    listing_before = sorted(tmp_path.rglob("*"))
    assert backup_cli.restore(target, str(out)) == BAD_INPUT[case]
    error = capsys.readouterr().err
    assert MESSAGES[case] in error and "Nothing was changed" in error, error
    assert "Traceback" not in error
    assert out.read_bytes() == file_before
    assert sorted(tmp_path.rglob("*")) == listing_before
    assert keyring.get_password(KEYRING_SERVICE, str(target.root)) is None


def test_each_kind_of_bad_input_has_a_code_of_its_own() -> None:
    """A bit flip, a cut and a foreign file are one kind to the learner: a damaged file."""
    kinds = {
        case: "damaged" if case in DAMAGED else case.removesuffix("_late") for case in BAD_INPUT
    }
    code_of_kind = {kind: BAD_INPUT[case] for case, kind in kinds.items()}
    assert len(set(code_of_kind.values())) == len(code_of_kind) == 6


def test_a_restore_killed_before_its_last_step_leaves_no_wallet(made, tmp_path) -> None:
    """kill -9 just before the rename: the target does not exist; the next restore tidies up."""
    _old, out = made
    target = DataDir(tmp_path / "new")
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from pathlib import Path
        from config.data_dir import DataDir
        from wallet.backup import restore

        def killed(staging, target):
            os.kill(os.getpid(), signal.SIGKILL)

        restore._move_into_place = killed
        asyncio.run(restore.restore_backup(
            Path({str(out)!r}), DataDir(Path({str(target.root)!r})), {PASSPHRASE!r}, input))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=os.environ.copy(), timeout=120, check=False
    )
    assert done.returncode == -9
    assert not target.root.exists()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".new.restoring-")]
    assert len(leftovers) == 1
    restored = asyncio.run(restore_backup(out, target, PASSPHRASE, _no_prompt))
    assert restored.removed_leftovers == leftovers and not leftovers[0].exists()
    assert load_wallet_record(target).wallet_name == restored.record.wallet_name


def test_the_first_backup_shows_a_phrase_once_and_checks_it(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    shown: list[str] = []

    def ask(prompt: str) -> str:
        asked = re.search(r"type word (\d+)", prompt)
        if asked is None:
            return ""  # Enter: a recovery phrase
        if not shown:
            shown.extend(re.findall(r"\d+\. (\w+)", capsys.readouterr().out))
        return shown[int(asked.group(1)) - 1]

    kind, phrase = backup_cli._choose_secret(_no_prompt, ask)
    assert kind == "phrase" and len(phrase.split()) == 12

    def wrong(prompt: str) -> str:
        return "zzz" if "word" in prompt else ""

    with pytest.raises(WrongBackupSecret, match="not kept"):
        backup_cli._choose_secret(_no_prompt, wrong)


def test_the_cli_backs_up_with_the_first_secret_again_without_asking(
    tmp_path, monkeypatch, capsys
) -> None:
    old = asyncio.run(_old_wallet(tmp_path / "old"))
    monkeypatch.delenv(backup_cli.BACKUP_PASSPHRASE_VARIABLE, raising=False)
    monkeypatch.setattr(
        backup_cli,
        "new_backup_key",
        lambda text, kind: new_backup_key(text, kind, CHEAP),
    )
    asked: list[str] = []

    def choose(*_args: object) -> tuple[str, str]:
        asked.append("once")
        return "passphrase", PASSPHRASE

    monkeypatch.setattr(backup_cli, "_choose_secret", choose)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert backup_cli.backup(old, str(folder) + "/") == exit_codes.OK
    assert backup_cli.backup(old, str(folder / "second.lwbackup")) == exit_codes.OK
    assert asked == ["once"]
    said = capsys.readouterr().out
    assert "It opens only with your backup passphrase" in said
    assert "--data-dir NEW-DIR restore" in said
    assert sorted(p.suffix for p in folder.iterdir()) == [".lwbackup", ".lwbackup"]
    monkeypatch.setenv(backup_cli.BACKUP_PASSPHRASE_VARIABLE, PASSPHRASE)
    target = DataDir(tmp_path / "new")
    target.root.mkdir()  # an empty dir is fine, and is replaced as a whole
    assert backup_cli.restore(target, str(folder / "second.lwbackup")) == exit_codes.OK
    assert load_wallet_record(target).key_storage == "keyring"
    said = capsys.readouterr().out
    assert "Never run both" in said and f"still on this computer, in {old.root}" in said
    assert "Next:" in said and "start" in said


def test_the_cli_refuses_what_it_cannot_do(tmp_path, capsys) -> None:
    assert backup_cli.backup(DataDir(tmp_path / "none"), str(tmp_path)) == exit_codes.NO_WALLET
    old = asyncio.run(_old_wallet(tmp_path / "old"))
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert backup_cli.backup(old, str(notes)) == exit_codes.USAGE
    assert notes.read_text() == "mine"
    assert backup_cli.backup(old, str(tmp_path / "nowhere") + "/") == exit_codes.USAGE
    missing = tmp_path / "missing.lwbackup"
    assert backup_cli.restore(DataDir(tmp_path / "new"), str(missing)) == exit_codes.USAGE
    assert "Traceback" not in capsys.readouterr().err


def test_a_wallet_never_started_says_there_is_nothing_to_back_up_yet(tmp_path: Path) -> None:
    """`init` makes no agent store (the first `start` does): the backup says so and
    writes nothing."""
    data_dir = DataDir(tmp_path / "new")
    asyncio.run(init_wallet(data_dir, _no_prompt))
    out = tmp_path / "wallet.lwbackup"
    with pytest.raises(NeverStarted, match="not been started yet"):
        asyncio.run(_backup(data_dir, out))
    assert not out.exists() and list(tmp_path.glob("*.work-*")) == []


def test_a_store_file_gone_while_space_is_checked_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite removes `sqlite.db-shm` when its last connection closes; a backup that listed
    the file a moment before must not fail on it (CI at 6b35d4d)."""
    store = tmp_path / "store"
    store.mkdir()
    (store / "sqlite.db").write_bytes(b"x" * 1000)
    gone = store / "sqlite.db-shm"
    real_glob = Path.glob

    def listed_then_removed(self: Path, pattern: str) -> object:
        found = list(real_glob(self, pattern))
        return [*found, gone] if self == store else found

    monkeypatch.setattr(Path, "glob", listed_then_removed)
    snapshot_module._check_space(tmp_path, [store])  # no FileNotFoundError
    monkeypatch.setattr(snapshot_module.shutil, "disk_usage", lambda _where: _Usage(free=10))
    with pytest.raises(snapshot_module.DiskFull):
        snapshot_module._check_space(tmp_path, [store])  # the file that is there still counts


class _Usage:
    def __init__(self, free: int) -> None:
        self.free = free
