"""A small real wallet on disk for the backup tests: both Askar stores, wallet.json, settings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from aries_askar import Store

from config.data_dir import DataDir
from wallet.backup.archive import BackupKey, new_backup_key
from wallet.backup.crypto import KdfCost
from wallet.controller_store import ControllerStore
from wallet.key_check import store_uri
from wallet.wallet_key import WalletRecord, WalletSecret

CHEAP = KdfCost(opslimit=1, memlimit=8 * 1024)  # Argon2 is slow on purpose; tests need not be


TEST_PASSPHRASE = "a backup passphrase for tests"


def cheap_key(passphrase: str = TEST_PASSPHRASE) -> BackupKey:
    return new_backup_key(passphrase, "passphrase", CHEAP)


async def make_wallet(root: Path) -> tuple[DataDir, WalletSecret, ControllerStore]:
    """A data dir as `init` leaves it, with one credential record in ACA-Py's store."""
    data_dir = DataDir(root)
    root.mkdir(parents=True, exist_ok=True)
    secret = WalletSecret(key=Store.generate_raw_key(), derivation="RAW")
    record = WalletRecord(wallet_name="w", key_storage="keyring", created=datetime.now(UTC))
    data_dir.wallet_file.write_text(record.model_dump_json())
    wallet_dir = data_dir.acapy_wallet_dir("w")
    wallet_dir.mkdir(parents=True)
    store = await Store.provision(store_uri(wallet_dir), secret.derivation, secret.key)
    async with store.session() as session:
        await session.insert("credential", "c1", b'{"score": "87"}')
    await store.close()
    return data_dir, secret, await ControllerStore.open(data_dir, secret)


async def eventually[T](check: Callable[[], T], what: str, within: float = 30.0) -> T:
    """Poll `check` until it is truthy; fail naming what was awaited."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if result := check():
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
