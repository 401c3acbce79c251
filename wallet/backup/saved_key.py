"""The wallet's own backup key, kept in its encrypted controller store.

The recovery phrase is shown once, at the first backup; what Argon2id derived from it (never
the words) is kept so later backups need no phrase. Whoever can open the wallet could read
everything the backup holds anyway, so this key adds nothing they could not already get.
"""

from __future__ import annotations

import base64
import json

from aries_askar import Store

from wallet.backup.archive import BackupKey
from wallet.backup.crypto import KdfCost
from wallet.controller_store import put_value

CATEGORY = "backup_key"
NAME = "current"


async def load_saved_key(store: Store) -> BackupKey | None:
    async with store.session() as session:
        entry = await session.fetch(CATEGORY, NAME)
    if entry is None:
        return None
    value = json.loads(entry.value)
    return BackupKey(
        master=base64.b64decode(value["master"]),
        salt=base64.b64decode(value["salt"]),
        cost=KdfCost(int(value["opslimit"]), int(value["memlimit"])),
        kind=value["kind"],
    )


async def save_key(store: Store, key: BackupKey) -> None:
    value = json.dumps(
        {
            "master": base64.b64encode(key.master).decode(),
            "salt": base64.b64encode(key.salt).decode(),
            "opslimit": key.cost.opslimit,
            "memlimit": key.cost.memlimit,
            "kind": key.kind,
        }
    )
    await put_value(store, CATEGORY, NAME, value)
