"""`wipe` on a real wallet: refused while it runs, then all goes and `init` works again."""

from __future__ import annotations

import keyring
import pytest

from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


def test_wipe_refuses_a_running_wallet_then_deletes_it_and_init_starts_afresh(
    wallet_cli: WalletCli,
) -> None:
    data_dir = wallet_cli.data_dir
    assert keyring.get_password("learner-wallet", str(data_dir))
    wallet_cli.start()
    refused = wallet_cli.run("wipe", "--yes")
    assert refused.returncode == 14, refused.stderr
    assert "stop it first" in refused.stderr and (data_dir / "wallet.json").exists()
    assert wallet_cli.run("stop").returncode == 0
    unconfirmed = wallet_cli.run("wipe")  # no terminal, no --yes
    assert unconfirmed.returncode == 2 and (data_dir / "wallet.json").exists()
    wiped = wallet_cli.run("wipe", "--yes")
    assert wiped.returncode == 0, wiped.stderr
    assert "backup files you made" in wiped.stdout
    assert not data_dir.exists()
    assert keyring.get_password("learner-wallet", str(data_dir)) is None
    assert wallet_cli.run("start").returncode == 3  # no wallet: nothing half left to open
    again = wallet_cli.run("init")
    assert again.returncode == 0, again.stderr
