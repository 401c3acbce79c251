"""`run.json`: what a running wallet wrote about itself (pids, addresses; no secrets).

Read by `status`, `stop`, `login`, `connect`, `wipe`, `backup` and the restore notes; a file
left by a crashed wallet (its controller's pid no longer runs learner-wallet) is removed.
"""

from __future__ import annotations

import json
from typing import Any

from config.data_dir import DataDir


def running_facts(data_dir: DataDir) -> dict[str, Any] | None:
    """run.json if its controller still runs; a stale file (after a crash) is removed."""
    try:
        facts = json.loads(data_dir.run_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not is_our_controller(int(facts.get("controller_pid", 0))):
        data_dir.run_file.unlink(missing_ok=True)
        return None
    return dict(facts)


def is_our_controller(pid: int) -> bool:
    """The pid lives and runs learner-wallet (pids are reused after a crash)."""
    if pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = handle.read().replace(b"\0", b" ")
    except OSError:
        return False
    return b"learner-wallet" in command or b"ui.cli.main" in command
