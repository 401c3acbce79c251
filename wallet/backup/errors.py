"""What can go wrong with a backup file or a restore, each one a thing the learner can act on."""

from __future__ import annotations

import errno


class BackupError(Exception):
    """A backup or restore stopped; the message is a sentence for the learner."""


class NotABackup(BackupError):
    """The file does not start like a Learner Wallet backup."""


class BackupDamaged(BackupError):
    """The file was cut short or altered: a check over its bytes failed."""


class BackupTooNew(BackupError):
    """The file was written in a format this version does not know yet."""


class WrongBackupSecret(BackupError):
    """The recovery phrase or passphrase does not open this file."""


class TargetNotEmpty(BackupError):
    """The data dir to restore into already holds something."""


class DiskFull(BackupError):
    """The disk ran out of space; what was half written has been removed."""


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(error: BaseException) -> bool:
    """An OSError for a full disk or quota, or Askar's (SQLite's) "disk is full"."""
    if isinstance(error, OSError):
        return error.errno in DISK_FULL_ERRNOS
    return "disk is full" in str(error).lower() or "disk full" in str(error).lower()


class NeverStarted(BackupError):
    """`init` made the wallet, but ACA-Py's store comes with the first `start`."""
