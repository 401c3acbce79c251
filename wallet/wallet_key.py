"""The wallet key: 32 random bytes in the OS keyring, or a passphrase where no keyring works.

The key itself never touches the data dir; `wallet.json` only says how it is kept.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import base58
import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from pydantic import BaseModel, Field

from config.data_dir import DataDir
from config.wallet_command import wallet_command

KEYRING_SERVICE = "learner-wallet"
PASSPHRASE_VARIABLE = "LEARNER_WALLET_PASSPHRASE"  # noqa: S105 (a variable name)
MIN_PASSPHRASE_LENGTH = 8

KeyStorage = Literal["keyring", "passphrase"]
# Askar's key derivations, as ACA-Py passes them on (`--wallet-key-derivation-method`).
Derivation = Literal["RAW", "kdf:argon2i:mod"]


class WalletKeyError(Exception):
    """The key cannot be had: no keyring entry, no passphrase, or a wrong one."""


class RestoredFrom(BaseModel):
    """Which backup a restored wallet came from, and where that wallet lived."""

    backup_id: str
    backup_created: datetime
    host: str
    data_dir: str
    restored: datetime


class WalletRecord(BaseModel):
    """Contents of `wallet.json`: what the wallet is called and how its key is kept."""

    wallet_name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    key_storage: KeyStorage
    created: datetime
    subject_dids: dict[str, str] = Field(default_factory=dict)
    # DIDComm port chosen at init and kept, so connections survive restarts.
    inbound_port: int | None = Field(default=None, ge=1, le=65535)
    # False from `init` until the first `start` has made ACA-Py's store: until then a
    # missing store is expected, afterwards it means the store was lost (never remade empty).
    agent_store_created: bool = True
    # Set by `restore`: the same keys live (or lived) in the installation named here.
    restored_from: RestoredFrom | None = None


class WalletSecret(BaseModel):
    """The key handed to ACA-Py through ACAPY_WALLET_KEY; repr hides it."""

    key: str = Field(repr=False)
    derivation: Derivation

    def __str__(self) -> str:
        return f"WalletSecret(derivation={self.derivation})"


PassphraseReader = Callable[[str], str]


def usable_keyring() -> KeyringBackend | None:
    """The OS keyring, or None where only a fail or plaintext fallback backend exists.

    Low-priority backends (keyrings.alt's plaintext file) are used only when chosen
    explicitly with PYTHON_KEYRING_BACKEND, which is how tests select a file backend.
    """
    backend = keyring.get_keyring()
    explicit = bool(os.environ.get("PYTHON_KEYRING_BACKEND"))
    if type(backend).__module__.startswith("keyring.backends.fail"):
        return None
    priority = getattr(backend, "priority", 0)
    if not explicit and (priority is None or priority < 1):
        return None
    return backend


def provision_key(data_dir: DataDir, read_passphrase: PassphraseReader) -> WalletSecret:
    """Create the key for a new wallet and record how it is kept; refuses an existing one."""
    if data_dir.wallet_file.exists():
        raise WalletKeyError(f"a wallet already exists in {data_dir.root}")
    wallet_name = "learner-" + secrets.token_hex(4)
    secret, storage = new_wallet_secret(data_dir, read_passphrase)
    record = WalletRecord(wallet_name=wallet_name, key_storage=storage, created=datetime.now(UTC))
    write_private(data_dir.wallet_file, record.model_dump_json(indent=2))
    return secret


def new_wallet_secret(
    data_dir: DataDir, read_passphrase: PassphraseReader
) -> tuple[WalletSecret, KeyStorage]:
    """A new key in the keyring for `data_dir` (or a new passphrase): `init` and `restore`."""
    backend = usable_keyring()
    if backend is not None:
        secret = WalletSecret(key=base58.b58encode(os.urandom(32)).decode(), derivation="RAW")
        try:
            backend.set_password(KEYRING_SERVICE, _keyring_user(data_dir), secret.key)
        except keyring.errors.KeyringError as error:
            raise WalletKeyError(f"the OS keyring refused to store the key: {error}") from None
        storage: KeyStorage = "keyring"
    else:
        passphrase = _new_passphrase(read_passphrase)
        secret = WalletSecret(key=passphrase, derivation="kdf:argon2i:mod")
        storage = "passphrase"
    return secret, storage


def load_wallet_record(data_dir: DataDir) -> WalletRecord:
    try:
        return WalletRecord.model_validate_json(data_dir.wallet_file.read_text())
    except FileNotFoundError:
        raise WalletKeyError(
            f"no wallet in {data_dir.root}: run `{wallet_command(data_dir, 'init')}` first"
        ) from None
    except ValueError as error:
        raise WalletKeyError(f"{data_dir.wallet_file} is damaged: {error}") from None


def load_key(data_dir: DataDir, read_passphrase: PassphraseReader) -> WalletSecret:
    """Fetch the key of an existing wallet from the keyring, or ask for its passphrase."""
    record = load_wallet_record(data_dir)
    if record.key_storage == "passphrase":
        passphrase = os.environ.get(PASSPHRASE_VARIABLE) or read_passphrase("Wallet passphrase: ")
        if not passphrase:
            raise WalletKeyError(f"no passphrase given (type it, or set {PASSPHRASE_VARIABLE})")
        return WalletSecret(key=passphrase, derivation="kdf:argon2i:mod")
    try:
        key = keyring.get_password(KEYRING_SERVICE, _keyring_user(data_dir))
    except keyring.errors.KeyringError as error:
        raise WalletKeyError(f"the OS keyring cannot be read: {error}") from None
    if not key:
        raise WalletKeyError(
            f"the wallet key for {data_dir.root} is not in the OS keyring "
            f"({type(keyring.get_keyring()).__name__}); it may have been removed"
        )
    return WalletSecret(key=key, derivation="RAW")


def forget_key(data_dir: DataDir) -> None:
    """Remove a keyring entry, used when `init` fails half way so a retry starts clean."""
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEYRING_SERVICE, _keyring_user(data_dir))


def remove_key(data_dir: DataDir) -> bool:
    """Delete the keyring entry for `wipe`: True if there was one; a refusal is an error."""
    try:
        if keyring.get_password(KEYRING_SERVICE, _keyring_user(data_dir)) is None:
            return False
        keyring.delete_password(KEYRING_SERVICE, _keyring_user(data_dir))
    except keyring.errors.KeyringError as error:
        raise WalletKeyError(f"the OS keyring refused to remove the key: {error}") from None
    return True


def _new_passphrase(read_passphrase: PassphraseReader) -> str:
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase is None:
        passphrase = read_passphrase("No OS keyring found. Choose a wallet passphrase: ")
        if read_passphrase("Repeat the passphrase: ") != passphrase:
            raise WalletKeyError("the two passphrases differ; nothing was created")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WalletKeyError(
            f"the passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters"
        )
    return passphrase


def _keyring_user(data_dir: DataDir) -> str:
    return str(data_dir.root)


def save_wallet_record(data_dir: DataDir, record: WalletRecord) -> None:
    """Replace `wallet.json` in one step: a crash leaves the old file or the new, never half."""
    partial = data_dir.wallet_file.with_name(f".{data_dir.wallet_file.name}.partial")
    write_private(partial, record.model_dump_json(indent=2), sync=True)
    os.replace(partial, data_dir.wallet_file)


def write_private(path: Path, text: str, *, sync: bool = False) -> None:
    """Write a file readable by its owner only, created with that mode (no window)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
