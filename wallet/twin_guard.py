"""A restored wallet does not start while the wallet it was restored from runs here.

Both copies hold the same keys and connections: run side by side (possible with a
mediator, where they need no common port) each would take messages the other never sees.
The restored wallet's record names where its original lived, so on the same computer the
restored one can refuse to start while that original holds its lock. A copy on another
computer cannot be seen from here; `restore` says so.
"""

from __future__ import annotations

import socket
from pathlib import Path

from config.data_dir import DataDir
from config.wallet_command import wallet_command
from config.wallet_lock import WalletInUse, wallet_in_use
from wallet.wallet_key import WalletKeyError, WalletRecord, load_wallet_record


class OriginalRuns(WalletInUse):
    """The wallet this one was restored from runs on this computer now."""


def refuse_if_original_runs(data_dir: DataDir, record: WalletRecord) -> None:
    origin = record.restored_from
    if origin is None or origin.host != socket.gethostname():
        return
    original = DataDir(Path(origin.data_dir))
    if original.root == data_dir.root:
        return
    try:
        same = original.is_initialized() and (
            load_wallet_record(original).wallet_name == record.wallet_name
        )
    except WalletKeyError:
        return
    if same and wallet_in_use(original):
        raise OriginalRuns(
            f"the wallet this one was restored from runs now, in {original.root}; both "
            "hold the same keys, and run side by side each would miss messages the other "
            f"received. Stop it first ({wallet_command(original, 'stop')}), then delete it "
            "once this one works"
        )
