"""One process at a time runs a wallet: an advisory lock on its data dir.

`run.json` appears only once a wallet is up, so it cannot tell `wipe` or `backup` that a
wallet is *starting*, and a crash leaves it behind. The running controller therefore holds
an exclusive `flock` on the data dir itself (no lock file: a restore target must stay empty)
from its first step to its last; the kernel drops it when the process dies, however it dies.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from config.data_dir import DataDir

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, as before
    fcntl = None  # type: ignore[assignment]


class WalletInUse(Exception):
    """Another process runs (or is starting, or wipes) this wallet."""


@contextlib.contextmanager
def hold_wallet_lock(data_dir: DataDir) -> Iterator[None]:
    """Hold the data dir's lock for the block, or raise WalletInUse at once."""
    if fcntl is None or not data_dir.root.is_dir():
        yield
        return
    fd = os.open(data_dir.root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WalletInUse(
                f"the wallet in {data_dir.root} is in use by another program right now "
                "(running, starting or being deleted); only one may use it at a time"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def wallet_in_use(data_dir: DataDir) -> bool:
    """Whether another process holds the lock (a starting wallet counts)."""
    try:
        with hold_wallet_lock(data_dir):
            return False
    except WalletInUse:
        return True
    except OSError:
        return False
