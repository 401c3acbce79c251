"""The controller's own encrypted Askar store (history, search index), beside ACA-Py's.

It is opened with the same key and derivation as the wallet, so the learner has one secret.
"""

from __future__ import annotations

from pathlib import Path

from aries_askar import AskarError, Store

from config.data_dir import DataDir
from wallet.key_check import store_uri
from wallet.wallet_key import WalletKeyError, WalletSecret

# Askar's default pool is max(4, cores) SQLite connections, and each keeps its own page
# cache (up to 2 MB) and prepared statements: after a few word searches over 10,000
# credentials each connection holds about 4 MB. One connection keeps the controller under
# its memory target; its reads then queue (search p50 35 ms instead of 30 with two).
# Nothing here holds a session while opening another, so one connection cannot deadlock.
MAX_CONNECTIONS = 1


class ControllerStore:
    """A thin owner of the Askar store; features use `.store` with their own categories."""

    def __init__(self, store: Store, path: Path) -> None:
        self.store = store
        self.path = path

    @classmethod
    async def open(cls, data_dir: DataDir, secret: WalletSecret) -> ControllerStore:
        """Open the store, creating it on first use."""
        path = data_dir.controller_store
        uri = f"{store_uri(path)}?max_connections={MAX_CONNECTIONS}"
        try:
            if (path / "sqlite.db").exists():
                store = await Store.open(uri, secret.derivation, secret.key)
            else:
                path.mkdir(mode=0o700, parents=True, exist_ok=True)
                store = await Store.provision(uri, secret.derivation, secret.key)
        except AskarError as error:
            raise WalletKeyError(
                f"the controller store cannot be opened: {error.message}"
            ) from None
        return cls(store, path)

    async def close(self) -> None:
        await self.store.close()


async def put_value(store: Store, category: str, name: str, value: str) -> None:
    """Insert or replace one record in a transaction of its own (a setting-like value)."""
    async with store.transaction() as session:
        if await session.fetch(category, name, for_update=True) is None:
            await session.insert(category, name, value)
        else:
            await session.replace(category, name, value)
        await session.commit()
