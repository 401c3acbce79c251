"""Restoring a backup into a new data dir, under a new wallet key.

Nothing is written until the whole file has been checked (`verify`). Then everything is
built in a hidden dir beside the target and renamed into place as the very last step: an
interrupted restore (even `kill -9`) leaves no half wallet, and the next restore removes the
leftover. The stores are re-keyed from the backup's random keys to the new wallet key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aries_askar import AskarError, Store
from pydantic import ValidationError

from config.data_dir import DataDir
from wallet.backup.archive import extract, read_backup_header, unlock, verify
from wallet.backup.errors import (
    BackupDamaged,
    BackupError,
    DiskFull,
    TargetNotEmpty,
    is_disk_full,
)
from wallet.backup.manifest import Manifest, Member
from wallet.backup.phrase import secret_for_key
from wallet.key_check import store_uri
from wallet.provision import ensure_ui_token
from wallet.wallet_key import (
    KeyStorage,
    PassphraseReader,
    RestoredFrom,
    WalletRecord,
    WalletSecret,
    forget_key,
    new_wallet_secret,
    write_private,
)

STAGING_MARK = ".restoring-"
SPACE_FACTOR = 1.2


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    record: WalletRecord
    key_storage: KeyStorage
    removed_leftovers: list[Path]


def check_target(target: DataDir) -> None:
    """The target must be new or an empty dir; anything in it stays untouched."""
    if target.root.exists() and (not target.root.is_dir() or any(target.root.iterdir())):
        raise TargetNotEmpty(
            f"{target.root} is not empty; a backup is restored only into a new or empty "
            "data dir (choose one with --data-dir)"
        )


async def restore_backup(
    path: Path, target: DataDir, backup_secret: str, read_passphrase: PassphraseReader
) -> Restored:
    """Check, then restore; on any failure the target and the file are as they were."""
    check_target(target)
    header = read_backup_header(path)
    master = unlock(header, secret_for_key(backup_secret, header.fields.secret))
    manifest, aad = verify(path, master)  # every hash, before anything is written
    wallet_name = _safe_wallet_name(manifest)
    parent = target.root.parent
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_space(parent, manifest)
    removed = _remove_leftovers(target)
    staging = DataDir(parent / f".{target.root.name}{STAGING_MARK}{secrets.token_hex(4)}")
    made_key = False
    try:
        staging.root.mkdir(mode=0o700)
        places = {
            "acapy_store": staging.acapy_wallet_dir(wallet_name) / "sqlite.db",
            "controller_store": staging.controller_store / "sqlite.db",
            "settings": staging.config_file,
            "wallet_record": staging.root / ".wallet.json.backup",
        }

        def target_of(member: Member) -> Path:
            return places[member.role]

        extract(path, master, aad, target_of)
        old_record = _read_record(places["wallet_record"], wallet_name)
        places["wallet_record"].unlink()
        secret, storage = new_wallet_secret(target, read_passphrase)
        made_key = storage == "keyring"
        for member in manifest.members:
            if member.store_key is not None:
                await _rekey(places[member.role].parent, member.store_key, secret)
        record = old_record.model_copy(
            update={"key_storage": storage, "restored_from": _origin(manifest)}
        )
        write_private(staging.wallet_file, record.model_dump_json(indent=2))
        ensure_ui_token(staging)
        _move_into_place(staging.root, target.root)
    except BaseException as error:
        shutil.rmtree(staging.root, ignore_errors=True)
        if made_key:
            forget_key(target)
        if isinstance(error, OSError) and is_disk_full(error):
            raise DiskFull("the disk is full: the wallet could not be restored") from None
        raise
    return Restored(manifest, record, storage, removed)


def _safe_wallet_name(manifest: Manifest) -> str:
    """The name becomes a path: it must be what `init` makes, never `..` or a slash."""
    try:
        WalletRecord(
            wallet_name=manifest.source.wallet_name,
            key_storage="keyring",
            created=datetime.now(UTC),
        )
    except ValidationError:
        raise BackupDamaged("the backup names its wallet in a way no wallet is named") from None
    return manifest.source.wallet_name


def _read_record(path: Path, wallet_name: str) -> WalletRecord:
    try:
        record = WalletRecord.model_validate_json(path.read_text())
    except ValidationError:
        raise BackupDamaged("the backup's wallet description cannot be read") from None
    if record.wallet_name != wallet_name:
        raise BackupDamaged("the backup's wallet description names another wallet")
    return record


def _origin(manifest: Manifest) -> RestoredFrom:
    return RestoredFrom(
        backup_id=manifest.backup_id,
        backup_created=manifest.created,
        host=manifest.source.host,
        data_dir=manifest.source.data_dir,
        restored=datetime.now(UTC),
    )


async def _rekey(store_dir: Path, store_key: str, secret: WalletSecret) -> None:
    """From the backup's random raw key to the new wallet key (the same for both stores)."""
    try:
        store = await Store.open(store_uri(store_dir), "raw", store_key)
        try:
            await store.rekey(secret.derivation, secret.key)
        finally:
            await store.close()
    except AskarError as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the wallet could not be restored") from None
        raise BackupError(f"the restored store cannot be opened: {error.message}") from None


def _move_into_place(staging: Path, target: Path) -> None:
    """One rename; an empty target dir is replaced, a target filled meanwhile is refused."""
    _fsync_tree(staging)
    try:
        os.rename(staging, target)
    except OSError as error:
        if target.exists():
            raise TargetNotEmpty(
                f"{target} was filled while the backup was being restored"
            ) from None
        if is_disk_full(error):
            raise DiskFull("the disk is full: the wallet could not be restored") from None
        raise
    with contextlib.suppress(OSError):
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            fd = os.open(Path(dirpath) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _remove_leftovers(target: DataDir) -> list[Path]:
    """Hidden dirs an interrupted restore into this target left beside it."""
    prefix = f".{target.root.name}{STAGING_MARK}"
    found = [p for p in target.root.parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]
    for leftover in found:
        shutil.rmtree(leftover, ignore_errors=True)
    return found


def _check_space(where: Path, manifest: Manifest) -> None:
    needed = sum(member.size for member in manifest.members) * SPACE_FACTOR
    free = shutil.disk_usage(where).free
    if free < needed:
        raise DiskFull(
            f"not enough free space in {where}: about {needed / 1e6:.0f} MB are needed, "
            f"{free / 1e6:.0f} MB are free. Nothing was written"
        )
