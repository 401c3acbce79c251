"""`learner-wallet init`: a new data dir, a new key and the controller's store, in a second.

ACA-Py is not started here: its first `start` creates its store (`--auto-provision`).
Until then the controller's store, made with the same key, is what a `start` checks the
key against (see `key_store_of`). W3C credentials get a subject DID each when they are
accepted (protocols/issuance/holder_did.py), so there are no DIDs to make here.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path

from agent.ports import free_port
from config.data_dir import DataDir
from config.settings import load_settings
from config.wallet_command import wallet_command
from wallet.controller_store import ControllerStore
from wallet.wallet_key import (
    PassphraseReader,
    WalletKeyError,
    WalletRecord,
    forget_key,
    load_wallet_record,
    provision_key,
    save_wallet_record,
    write_private,
)

LOGGER = logging.getLogger(__name__)


class WalletExistsError(Exception):
    """`init` found a wallet and left it exactly as it was."""


def ensure_ui_token(data_dir: DataDir) -> str:
    """The bearer token for the local JSON API, created once with mode 0600."""
    if data_dir.ui_token_file.exists():
        return data_dir.ui_token_file.read_text().strip()
    token = secrets.token_urlsafe(32)
    write_private(data_dir.ui_token_file, token + "\n")
    return token


async def init_wallet(data_dir: DataDir, read_passphrase: PassphraseReader) -> WalletRecord:
    """Create everything, or on failure remove what this call created so a retry starts clean."""
    if data_dir.wallet_file.exists() or data_dir.acapy_home.exists():
        raise WalletExistsError(
            f"a wallet already exists in {data_dir.root}; nothing was changed. "
            f"Use `{wallet_command(data_dir, 'start')}`, or choose another --data-dir"
        )
    settings = load_settings(data_dir.config_file)  # a broken config.toml stops `init` early
    created_root = not data_dir.root.exists()
    data_dir.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    made: list[str] = []
    try:
        secret = provision_key(data_dir, read_passphrase)
        made.append("key")
        ensure_ui_token(data_dir)
        store = await ControllerStore.open(data_dir, secret)
        await store.close()
        record = load_wallet_record(data_dir).model_copy(
            update={
                # Kept from now on, so peers' connections survive restarts (a configured
                # port wins at each start, see holder_agent.inbound_port_of).
                "inbound_port": settings.inbound_port or free_port(),
                "agent_store_created": False,
            }
        )
        save_wallet_record(data_dir, record)
        return record
    except BaseException:
        _undo(data_dir, made, created_root)
        raise


def key_store_of(data_dir: DataDir, record: WalletRecord) -> Path:
    """The store a `start` checks the key against before ACA-Py opens its own with it.

    ACA-Py's, once it exists. Before the first start only the controller's store exists;
    after it, a missing ACA-Py store is an error (the check says so), never remade empty.
    """
    agent_store = data_dir.acapy_wallet_dir(record.wallet_name)
    if record.agent_store_created or (agent_store / "sqlite.db").exists():
        return agent_store
    return data_dir.controller_store


def finish_first_start(data_dir: DataDir, record: WalletRecord, inbound_port: int) -> None:
    """Once ACA-Py runs, its store exists: from now on its loss stops a start, and its
    DIDComm port is kept (peers' connections point at it; `init`'s pick may have been taken).

    `record` is updated in place: the running wallet shares it.
    """
    if not record.agent_store_created:
        record.agent_store_created = True
        record.inbound_port = inbound_port
        save_wallet_record(data_dir, record)


def _undo(data_dir: DataDir, made: list[str], created_root: bool) -> None:
    if "key" in made:
        forget_key(data_dir)
    for path in (data_dir.wallet_file, data_dir.ui_token_file):
        path.unlink(missing_ok=True)
    shutil.rmtree(data_dir.controller_store, ignore_errors=True)
    shutil.rmtree(data_dir.acapy_home, ignore_errors=True)
    if created_root:
        shutil.rmtree(data_dir.root, ignore_errors=True)
    LOGGER.info("init failed; removed what it had created in %s", data_dir.root)


__all__ = [
    "WalletExistsError",
    "WalletKeyError",
    "ensure_ui_token",
    "finish_first_start",
    "init_wallet",
    "key_store_of",
]
