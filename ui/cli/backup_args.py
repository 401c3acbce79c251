"""The command line of `backup` and `restore` (kept apart so main.py stays small)."""

from __future__ import annotations

import argparse
from typing import Any


def add_backup_commands(commands: argparse._SubParsersAction[Any]) -> None:
    backup_cmd = commands.add_parser(
        "backup", help="write one encrypted file holding the whole wallet (running or stopped)"
    )
    backup_cmd.add_argument(
        "--out", required=True, help="the backup file to write (or a folder to write it in)"
    )
    backup_cmd.add_argument(
        "--new-phrase",
        action="store_true",
        help="protect this and later backups with a new recovery phrase (or a passphrase); "
        "earlier backups keep their old one",
    )
    restore_cmd = commands.add_parser(
        "restore", help="bring a wallet back from a backup file into a new, empty data dir"
    )
    restore_cmd.add_argument("file", help="the backup file")
    restore_cmd.add_argument(
        "--data-dir",
        dest="target_dir",
        help="the new data dir to restore into (default: the global --data-dir, see below)",
    )
