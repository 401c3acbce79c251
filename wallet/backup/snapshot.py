"""Making a backup: consistent copies of both Askar stores, then one sealed file.

Each store is copied by SQLite's `VACUUM INTO`, which reads the live store in one read
transaction (consistent while ACA-Py and the controller write) and writes only live rows
(nothing deleted comes along); Askar then re-keys the copy from the wallet key to a random
raw key, and a second `VACUUM INTO` drops the page that held the old wrapping. Askar's
`Store.copy_to` gave the same result by decrypting and re-encrypting every row and tag one
at a time: about 47 s for the controller's index at 10,000 credentials, where this takes
a few (bench/backup.py, docs/performance.md). The copies keep the stores' own profile keys,
wrapped under the random keys. The copies sit in a hidden work dir beside the output, under
random raw keys that only the sealed manifest holds; the work dir is removed whatever happens.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import shutil
import socket
import sqlite3
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aries_askar import AskarError, Store

from config.data_dir import DataDir
from config.settings import SettingsError, load_settings
from wallet.backup.archive import BackupKey, write_backup
from wallet.backup.crypto import CHUNK_SIZE
from wallet.backup.errors import BackupError, DiskFull, NeverStarted, is_disk_full
from wallet.backup.manifest import MEMBER_NAMES, Manifest, Member, Role, SourceWallet, file_digest
from wallet.key_check import store_uri
from wallet.wallet_key import WalletSecret, load_wallet_record

# Room for the store copies and the file, with a margin, before anything is copied.
SPACE_FACTOR = 2.2


def software_versions() -> dict[str, str]:
    versions = {}
    for name in ("learner-wallet", "acapy-agent", "aries-askar"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


async def make_backup(
    data_dir: DataDir,
    secret: WalletSecret,
    key: BackupKey,
    out: Path,
    *,
    running: bool,
    chunk_size: int = CHUNK_SIZE,
) -> Manifest:
    """Write the backup of `data_dir` to `out`.

    Call it only in a process that has neither store open through Askar: SQLite's locks
    belong to a process, so when the copy's own connection (Python's `sqlite3`, a second
    SQLite library) closes, it drops the locks of Askar's connections in the same process,
    and with no other process holding the file it deletes the write-ahead log under them
    (a write after that is lost). Another process may run the wallet meanwhile.
    """
    record = load_wallet_record(data_dir)
    if not record.agent_store_created:
        raise NeverStarted(
            "this wallet has not been started yet, so it holds nothing to back up; "
            "start it once, then back it up"
        )
    acapy_dir = data_dir.acapy_wallet_dir(record.wallet_name)
    _check_space(out.parent, [acapy_dir, data_dir.controller_store])
    _remove_leftovers(out)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.work-", dir=out.parent))
    try:
        files: dict[Role, Path] = {}
        keys: dict[Role, str] = {}
        files["acapy_store"], keys["acapy_store"] = await _copy(acapy_dir, secret, work / "acapy")
        files["controller_store"], keys["controller_store"] = await _copy(
            data_dir.controller_store, secret, work / "controller"
        )
        for role, path in (
            ("wallet_record", data_dir.wallet_file),
            ("settings", data_dir.config_file),
        ):
            if path.exists():
                files[role] = work / MEMBER_NAMES[role]  # type: ignore[index]
                shutil.copyfile(path, files[role])  # type: ignore[index]
        manifest = Manifest(
            backup_id=str(uuid.uuid4()),
            created=datetime.now(UTC),
            versions=software_versions(),
            source=_source(data_dir, record.wallet_name, record.inbound_port, running),
            members=[_member(role, path, keys.get(role)) for role, path in files.items()],
        )
        write_backup(out, key, manifest, files, chunk_size)
        return manifest
    except OSError as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the backup could not be written") from None
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _source(data_dir: DataDir, name: str, port: int | None, running: bool) -> SourceWallet:
    try:
        settings = load_settings(data_dir.config_file)
        delivery: str = settings.delivery_mode
        endpoint = settings.endpoint
        port = settings.inbound_port or port
    except SettingsError:
        delivery, endpoint = "unknown", None
    return SourceWallet(
        wallet_name=name,
        data_dir=str(data_dir.root),
        host=socket.gethostname(),
        delivery=delivery,
        endpoint=endpoint,
        inbound_port=port,
        running=running,
    )


def _member(role: Role, path: Path, store_key: str | None) -> Member:
    size, digest = file_digest(path)
    return Member(role=role, name=MEMBER_NAMES[role], size=size, sha256=digest, store_key=store_key)


async def _copy(store_dir: Path, secret: WalletSecret, target_dir: Path) -> tuple[Path, str]:
    """A copy of the store in `store_dir` as `target_dir/sqlite.db` under a fresh random raw key."""
    target_dir.mkdir(mode=0o700)
    rekeyed = target_dir / "rekey"
    rekeyed.mkdir(mode=0o700)
    raw_key = Store.generate_raw_key()
    await asyncio.to_thread(_vacuum_into, store_dir / "sqlite.db", rekeyed / "sqlite.db")
    try:
        copy = await Store.open(store_uri(rekeyed), secret.derivation, secret.key)
    except AskarError as error:
        raise BackupError(f"the wallet's store cannot be opened: {error.message}") from None
    try:
        await copy.rekey("raw", raw_key)
    except AskarError as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the backup could not be written") from None
        raise BackupError(f"the wallet's store could not be copied: {error.message}") from None
    finally:
        await copy.close()
    await asyncio.to_thread(_vacuum_into, rekeyed / "sqlite.db", target_dir / "sqlite.db")
    shutil.rmtree(rekeyed)
    leftovers = sorted(p.name for p in target_dir.iterdir() if p.name != "sqlite.db")
    if leftovers:  # closing the copy folds its journal in; anything left would be lost
        raise BackupError(f"the store copy left files behind: {', '.join(leftovers)}")
    return target_dir / "sqlite.db", raw_key


def _vacuum_into(source: Path, target: Path) -> None:
    """A consistent, compact copy of the SQLite database `source` (never created if missing)."""
    try:
        database = sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise BackupError(f"the wallet's store cannot be opened: {error}") from None
    try:
        database.execute("VACUUM INTO ?", (str(target),))
    except sqlite3.Error as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the backup could not be written") from None
        raise BackupError(f"the wallet's store could not be copied: {error}") from None
    finally:
        database.close()


def _remove_leftovers(out: Path) -> None:
    """What a backup to the same file killed half way left beside it (sealed, useless)."""
    for pattern in (f".{out.name}.work-*", f".{out.name}.partial-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _check_space(where: Path, store_dirs: list[Path]) -> None:
    needed = sum(_size(p) for d in store_dirs if d.exists() for p in d.glob("sqlite.db*"))
    free = shutil.disk_usage(where).free
    if free < needed * SPACE_FACTOR:
        raise DiskFull(
            f"not enough free space in {where}: about {needed * SPACE_FACTOR / 1e6:.0f} MB "
            f"are needed, {free / 1e6:.0f} MB are free. Nothing was written"
        )


def _size(path: Path) -> int:
    """A store file's size; 0 once gone (SQLite removes its `-shm` and `-wal` files when the
    last connection closes, which can fall between listing and reading them)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
