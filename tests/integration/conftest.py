from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.wallet_cli import WalletCli


@pytest.fixture
def wallet_cli(tmp_path: Path):
    """A fresh, initialized wallet in its own data dir; whatever it started is stopped."""
    cli = WalletCli(tmp_path / "wallet")
    result = cli.run("init")
    assert result.returncode == 0, result.stderr
    yield cli
    cli.kill()
