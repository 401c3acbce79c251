"""`learner-wallet init`: a new data dir, a new key, a provisioned store and subject DIDs."""

from __future__ import annotations

import logging
import secrets
import shutil

from agent.admin_client import AdminClient
from agent.admin_models import DidCreateRequest
from config.data_dir import DataDir
from config.settings import load_settings
from config.wallet_command import wallet_command
from wallet.holder_agent import start_holder_agent
from wallet.wallet_key import (
    PassphraseReader,
    WalletKeyError,
    forget_key,
    load_wallet_record,
    provision_key,
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


async def init_wallet(data_dir: DataDir, read_passphrase: PassphraseReader) -> dict[str, str]:
    """Create everything, or on failure remove what this call created so a retry starts clean."""
    if data_dir.wallet_file.exists() or data_dir.acapy_home.exists():
        raise WalletExistsError(
            f"a wallet already exists in {data_dir.root}; nothing was changed. "
            f"Use `{wallet_command(data_dir, 'start')}`, or choose another --data-dir"
        )
    created_root = not data_dir.root.exists()
    data_dir.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A mediator invitation may be single-use: `init` must not spend it before `start`;
    # without it, `init`'s one run of the agent receives nothing, so directly.
    settings = load_settings(data_dir.config_file).model_copy(
        update={"mediator_invitation": None, "delivery": "direct"}
    )
    made: list[str] = []
    try:
        secret = provision_key(data_dir, read_passphrase)
        made.append("key")
        ensure_ui_token(data_dir)
        record = load_wallet_record(data_dir)
        agent = await start_holder_agent(data_dir, settings, record, secret, check_key=False)
        try:
            async with AdminClient(agent.admin_url, agent.admin_key) as client:
                subject_dids = {
                    key_type: (
                        await client.create_did(
                            DidCreateRequest(method="key", options={"key_type": key_type})
                        )
                    ).did
                    for key_type in SUBJECT_KEY_TYPES
                }
        finally:
            await agent.stop()
        record.subject_dids = subject_dids
        record.inbound_port = agent.launch.inbound_port
        write_private(data_dir.wallet_file, record.model_dump_json(indent=2))
        return subject_dids
    except BaseException:
        _undo(data_dir, made, created_root)
        raise


def _undo(data_dir: DataDir, made: list[str], created_root: bool) -> None:
    if "key" in made:
        forget_key(data_dir)
    for path in (data_dir.wallet_file, data_dir.ui_token_file):
        path.unlink(missing_ok=True)
    shutil.rmtree(data_dir.acapy_home, ignore_errors=True)
    if created_root:
        shutil.rmtree(data_dir.root, ignore_errors=True)
    LOGGER.info("init failed; removed what it had created in %s", data_dir.root)


__all__ = ["WalletExistsError", "WalletKeyError", "ensure_ui_token", "init_wallet"]
