"""Test-wide isolation: a file keyring and XDG dirs inside a temp dir, never the real ones."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ISOLATED_ROOT = Path(tempfile.mkdtemp(prefix="learner-wallet-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = ISOLATED_ROOT / name.lower()
        path.mkdir(exist_ok=True)
        os.environ[name] = str(path)
    for name in list(os.environ):
        if name.startswith("LEARNER_WALLET_"):
            del os.environ[name]


@pytest.fixture
def data_dir_path(tmp_path: Path) -> Path:
    return tmp_path / "wallet"
