"""Backup files in a folder: their dated names, and which of them this wallet made.

The command line and the automatic backups name files alike. Pruning keeps the newest N of
this wallet's own backups only: a file counts as ours when it carries our name pattern and
its header's key check matches the wallet's saved backup key (no decryption, no Argon2).
Anything else in the folder (other wallets' backups, the learner's files) is never touched.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from wallet.backup.archive import BackupKey, read_backup_header
from wallet.backup.crypto import key_matches
from wallet.backup.errors import BackupError

LOGGER = logging.getLogger(__name__)
PREFIX = "learner-wallet-"
SUFFIX = ".lwbackup"
STAMP = "%Y-%m-%d-%H%M%S"


def dated_name(now: datetime | None = None) -> str:
    """`learner-wallet-<UTC stamp>.lwbackup`; names sort as their times do."""
    return f"{PREFIX}{(now or datetime.now(UTC)).strftime(STAMP)}{SUFFIX}"


def new_backup_path(folder: Path) -> Path:
    """A dated file name in `folder` that is not taken yet (two backups in one second)."""
    name = dated_name()
    path = folder / name
    number = 2
    while path.exists():
        path = folder / name.replace(SUFFIX, f"-{number}{SUFFIX}")
        number += 1
    return path


def is_backup(path: Path) -> bool:
    """A readable Learner Wallet backup header (of any wallet)."""
    try:
        read_backup_header(path)
    except (BackupError, OSError):
        return False
    return True


def is_own_backup(path: Path, key: BackupKey) -> bool:
    """Made with this wallet's backup key (the header's salt and key check say so)."""
    try:
        header = read_backup_header(path)
    except (BackupError, OSError):
        return False
    return header.salt == key.salt and key_matches(
        key.master, header.nonce_prefix, header.key_check
    )


def own_backups(folder: Path, key: BackupKey) -> list[Path]:
    """This wallet's dated backups in `folder`, newest first."""
    named = [
        path
        for path in folder.glob(f"{PREFIX}*{SUFFIX}")
        if path.is_file() and not path.is_symlink()
    ]
    own = [path for path in named if is_own_backup(path, key)]
    return sorted(own, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def prune(folder: Path, key: BackupKey, keep: int) -> list[Path]:
    """Remove all but the newest `keep` of this wallet's backups; what was removed."""
    removed = []
    for old in own_backups(folder, key)[max(keep, 1) :]:
        try:
            old.unlink()
        except OSError as error:  # a sync client may hold it: the next run tries again
            LOGGER.warning("old backup %s not removed: %s", old.name, type(error).__name__)
            continue
        removed.append(old)
    return removed
