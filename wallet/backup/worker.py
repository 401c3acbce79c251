"""`python -m wallet.backup.worker`: one backup of the running wallet, in a process of its own.

The running wallet keeps its controller store open. SQLite's locks belong to a process, so
a copy taken inside the wallet's own process, through a second SQLite library (snapshot.py
uses Python's `sqlite3`), would drop the wallet's locks when it closes; from another
process, as `learner-wallet backup` does, the copy is safe. It also keeps the sealing and
hashing off the wallet's event loop.

stdin: a Job (JSON, holds the wallet key: never on the command line). stdout: a Result.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from config.data_dir import DataDir
from wallet.backup.errors import DiskFull
from wallet.backup.files import new_backup_path, prune
from wallet.backup.saved_key import load_saved_key
from wallet.backup.snapshot import make_backup
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletSecret

Problem = Literal["no_secret", "disk_full", "not_writable", "failed"]


class Job(BaseModel):
    data_dir: Path
    secret: WalletSecret
    folder: Path
    keep: int | None  # None: a download, nothing is pruned


class Result(BaseModel):
    file: Path | None = None
    problem: Problem | None = None
    detail: str = ""  # technical, never a secret


async def back_up(job: Job) -> Result:
    data_dir = DataDir(job.data_dir)
    store = await ControllerStore.open(data_dir, job.secret)
    try:
        key = await load_saved_key(store.store)
    finally:
        await store.close()  # closed while the copy is made: see make_backup
    if key is None:
        return Result(problem="no_secret")
    out = new_backup_path(job.folder)
    await make_backup(data_dir, job.secret, key, out, running=True)
    if job.keep is not None:
        prune(job.folder, key, job.keep)
    return Result(file=out)


def main() -> None:
    job = Job.model_validate_json(sys.stdin.read())
    try:
        result = asyncio.run(back_up(job))
    except DiskFull as error:
        result = Result(problem="disk_full", detail=str(error))
    except PermissionError as error:
        result = Result(problem="not_writable", detail=str(error))
    except Exception as error:  # said to the wallet, which records and shows it
        result = Result(problem="failed", detail=f"{type(error).__name__}: {error}")
    sys.stdout.write(result.model_dump_json())


if __name__ == "__main__":
    main()
