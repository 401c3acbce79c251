"""`learner-wallet init`: a new data dir, a new key and the controller's store, in a second.

ACA-Py is not started here: its first `start` creates its store (`--auto-provision`) and
`finish_first_start` makes the subject DIDs. Until then the controller's store, made with
the same key, is what a `start` checks the key against (see `key_store_of`).
"""

from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path

from agent.admin_client import AdminClient
from agent.admin_models import DidCreateRequest
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
# did:key subjects for W3C credentials: Ed25519 proofs and BBS+ selective disclosure.
SUBJECT_KEY_TYPES = ("ed25519", "bls12381g2")


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


async def finish_first_start(data_dir: DataDir, record: WalletRecord, client: AdminClient) -> None:
    """After ACA-Py has made its store: the subject DIDs, and `wallet.json` says it is made.

    Runs at every start and does nothing once done; a start cut off half-way finishes it
    next time. `record` is updated in place: the running wallet shares it.
    """
    if record.agent_store_created and all(record.subject_dids.get(k) for k in SUBJECT_KEY_TYPES):
        return
    for key_type in SUBJECT_KEY_TYPES:
        if not record.subject_dids.get(key_type):
            request = DidCreateRequest(method="key", options={"key_type": key_type})
            record.subject_dids[key_type] = (await client.create_did(request)).did
    record.agent_store_created = True
    save_wallet_record(data_dir, record)
    LOGGER.info("first start finished: ACA-Py's store and the subject DIDs are made")


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
