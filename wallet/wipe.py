"""Removing a wallet from this computer in an order that no interruption turns into a half wallet.

The order (`wipe_data_dir`):
1. `wallet.json` is renamed to `wallet.json.wiping` (one atomic rename). From then on `start`
   finds no wallet, so it never opens, or lets ACA-Py re-create, a store half deleted; a
   second `wipe` still recognises the dir and finishes the job.
2. The keyring entry goes next: whatever an interruption (or the disk) keeps of the stores
   cannot be read without it.
3. Everything else in the data dir: stores, logs, UI token, settings, run file.
4. The marker and the then empty dir last. While the keyring refuses to remove the key (a
   locked keyring), the marker stays so that a later `wipe` tries again.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field

from config.data_dir import DataDir
from wallet.wallet_key import WalletKeyError, WalletRecord, remove_key, usable_keyring


class NotAWallet(Exception):
    """The dir holds no wallet (nor a wipe to finish): nothing is deleted there."""


@dataclass
class WipeOutcome:
    """What went: keyring entries removed, and keys the keyring refused to remove."""

    keys_removed: int = 0
    key_errors: list[str] = field(default_factory=list)
    dir_removed: bool = False


def looks_like_wallet(data_dir: DataDir) -> bool:
    return data_dir.wallet_file.is_file() or data_dir.wipe_marker.is_file()


def nested_wallets(data_dir: DataDir) -> list[DataDir]:
    """Wallets in the data dir's own folders, such as the demo's under the default dir."""
    if not data_dir.root.is_dir():
        return []
    return [
        DataDir(child)
        for child in sorted(data_dir.root.iterdir())
        if child.is_dir() and not child.is_symlink() and looks_like_wallet(DataDir(child))
    ]


def wipe_data_dir(data_dir: DataDir) -> WipeOutcome:
    """Delete the wallet in `data_dir` and its keyring entry; nothing outside the dir."""
    if not looks_like_wallet(data_dir):
        raise NotAWallet(f"{data_dir.root} does not hold a Learner Wallet (no wallet.json)")
    wallets = [data_dir, *nested_wallets(data_dir)]
    for wallet in wallets:
        if wallet.wallet_file.is_file():
            wallet.wallet_file.replace(wallet.wipe_marker)
    outcome = WipeOutcome()
    for wallet in wallets:
        _remove_key(wallet, outcome)
    for child in data_dir.root.iterdir():
        if child == data_dir.wipe_marker:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if outcome.key_errors:
        return outcome
    data_dir.wipe_marker.unlink()
    with contextlib.suppress(OSError):  # e.g. a mount point: it is empty, that is enough
        data_dir.root.rmdir()
        outcome.dir_removed = True
    return outcome


def _remove_key(data_dir: DataDir, outcome: WipeOutcome) -> None:
    record = _record(data_dir)
    if record is not None and record.key_storage == "passphrase":
        return  # the key is the learner's passphrase: nothing of it is kept here
    if record is None and usable_keyring() is None:
        return
    try:
        outcome.keys_removed += remove_key(data_dir)
    except WalletKeyError as error:
        outcome.key_errors.append(f"{data_dir.root}: {error}")


def _record(data_dir: DataDir) -> WalletRecord | None:
    """wallet.json, or its renamed marker; None when damaged (the key may be in the keyring)."""
    for path in (data_dir.wallet_file, data_dir.wipe_marker):
        with contextlib.suppress(OSError, ValueError):
            return WalletRecord.model_validate_json(path.read_text())
    return None
