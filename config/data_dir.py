"""Where one learner's wallet lives on disk, and the names of everything inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

HOME_VARIABLE = "LEARNER_WALLET_HOME"
APP_NAME = "learner-wallet"


def resolve_data_dir(option: str | os.PathLike[str] | None) -> Path:
    """`--data-dir`, else LEARNER_WALLET_HOME, else the platform's user data dir."""
    chosen = option or os.environ.get(HOME_VARIABLE) or user_data_dir(APP_NAME)
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class DataDir:
    """The layout of a data dir (DESIGN §4); creating files is left to their owners."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "config.toml"

    @property
    def wallet_file(self) -> Path:
        """Non-secret facts about the wallet: its name and how its key is kept."""
        return self.root / "wallet.json"

    @property
    def wipe_marker(self) -> Path:
        """`wallet.json` renamed while `wipe` runs: no longer a wallet, still one to finish."""
        return self.root / "wallet.json.wiping"

    @property
    def acapy_home(self) -> Path:
        """ACAPY_HOME: ACA-Py keeps its Askar store under wallet/<name>/sqlite.db here."""
        return self.root / "acapy"

    @property
    def controller_store(self) -> Path:
        """The controller's own encrypted Askar store (history, prompts)."""
        return self.root / "controller"

    @property
    def ui_token_file(self) -> Path:
        return self.root / "ui-token"

    @property
    def run_file(self) -> Path:
        """Written while `start` runs: pids and addresses (no secrets), for status and stop."""
        return self.root / "run.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def acapy_wallet_dir(self, wallet_name: str) -> Path:
        return self.acapy_home / "wallet" / wallet_name

    def is_initialized(self) -> bool:
        return self.wallet_file.exists()


def default_data_dir() -> DataDir:
    """The platform's user data dir, e.g. ~/.local/share/learner-wallet on Linux."""
    return DataDir(Path(user_data_dir(APP_NAME)).resolve())


def demo_data_dir() -> DataDir:
    """Where `demo` keeps its wallet unless --data-dir says otherwise (never the learner's)."""
    return DataDir(default_data_dir().root / "demo")
