"""The `learner-wallet` command that reaches one wallet, written so it works when pasted.

Hints name a command ("run `learner-wallet start`"); a hint that drops the data dir or names
a command that is not on PATH sends the learner to the wrong wallet or to "command not found".
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from config.data_dir import APP_NAME, DataDir, default_data_dir, resolve_data_dir

SCRIPT = APP_NAME  # the console script pyproject.toml installs


def wallet_command(data_dir: DataDir, subcommand: str, *, in_browser: bool = False) -> str:
    """`learner-wallet [--data-dir DIR] <subcommand>` for `data_dir`, shell-quoted.

    `--data-dir` is left out only where the plain command finds this wallet: in this shell,
    through the default or $LEARNER_WALLET_HOME; for a page read in a browser, whose reader
    may type into any terminal, only for the platform's default dir.
    """
    root = data_dir.root.resolve()
    plain_finds_it = resolve_data_dir(None) == root
    if in_browser:
        plain_finds_it = plain_finds_it and default_data_dir().root == root
    words = [_executable()]
    if not plain_finds_it:
        words += ["--data-dir", shlex.quote(str(root))]
    return " ".join([*words, subcommand])


def script_command() -> str:
    """The command itself, for hints that name a data dir the learner has yet to choose."""
    return _executable()


def _executable() -> str:
    """`learner-wallet` when PATH finds this install's script, else that script's full path."""
    ours = Path(sys.executable).parent / (SCRIPT + (".exe" if os.name == "nt" else ""))
    if not ours.is_file():  # run from source, without the installed script
        return f"{shlex.quote(sys.executable)} -m ui.cli.main"
    found = shutil.which(SCRIPT)
    if found is not None and os.path.samefile(found, ours):
        return SCRIPT
    return shlex.quote(str(ours))
