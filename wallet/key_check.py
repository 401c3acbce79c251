"""Checks a wallet key against ACA-Py's Askar store before ACA-Py is started with it.

ACA-Py answers a wrong key with a stack trace in its log and an exit; opening the store
here first gives the learner one clear sentence. The check opens a copy, because SQLite
rewrites a database's header on every open: a failed attempt leaves the store byte for byte.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.parse
from pathlib import Path

from aries_askar import AskarError, AskarErrorCode, Store

from wallet.wallet_key import WalletKeyError, WalletSecret


def store_uri(wallet_dir: Path) -> str:
    return "sqlite://" + urllib.parse.quote(f"{wallet_dir.as_posix()}/sqlite.db")


async def check_wallet_key(wallet_dir: Path, secret: WalletSecret) -> None:
    """Open and close the store read-only in effect; raise WalletKeyError if the key is wrong."""
    if not (wallet_dir / "sqlite.db").exists():
        raise WalletKeyError(
            f"the wallet store {wallet_dir / 'sqlite.db'} is missing; "
            "restore the data dir from a backup, or `init` a new wallet in another --data-dir"
        )
    with tempfile.TemporaryDirectory(prefix="lw-keycheck-") as scratch:
        copy = Path(scratch)
        for part in wallet_dir.glob("sqlite.db*"):  # the database and any WAL beside it
            shutil.copy2(part, copy / part.name)
        await _open_and_close(copy, secret)


async def _open_and_close(wallet_dir: Path, secret: WalletSecret) -> None:
    try:
        store = await Store.open(store_uri(wallet_dir), secret.derivation, secret.key)
    except AskarError as error:
        if error.code == AskarErrorCode.ENCRYPTION:
            what = "passphrase" if secret.derivation != "RAW" else "key from the OS keyring"
            raise WalletKeyError(
                f"wrong {what}: the wallet could not be opened. Nothing was changed; "
                "try again with the right one"
            ) from None
        raise WalletKeyError(f"the wallet store cannot be opened: {error.message}") from None
    await store.close()
