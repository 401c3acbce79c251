from __future__ import annotations

from pathlib import Path

import pytest

from config.acapy_args import (
    FORBIDDEN_HOLDER_FLAGS,
    AcaPyLaunch,
    acapy_command_args,
    check_holder_args,
    holder_extra_args,
)
from config.settings import WalletSettings


def _launch(**changes) -> AcaPyLaunch:
    values = dict(
        label="Learner",
        acapy_home=Path("/tmp/x"),
        wallet_name="w1",
        admin_port=8001,
        inbound_port=8002,
        log_file=Path("/tmp/x.log"),
    )
    values.update(changes)
    return AcaPyLaunch(**values)


def test_holder_keeps_records_and_never_answers_by_itself() -> None:
    args = holder_extra_args(WalletSettings())
    assert "--preserve-exchange-records" in args
    assert FORBIDDEN_HOLDER_FLAGS.isdisjoint(args)
    assert "--auto-respond-presentation-request" not in args


def test_admin_and_inbound_listen_on_loopback_only() -> None:
    args = acapy_command_args(_launch(extra_args=holder_extra_args(WalletSettings())))
    admin = args.index("--admin")
    assert args[admin + 1 : admin + 3] == ["127.0.0.1", "8001"]
    inbound = args.index("--inbound-transport")
    assert args[inbound + 1 : inbound + 4] == ["http", "127.0.0.1", "8002"]
    assert args[args.index("--wallet-type") + 1] == "askar-anoncreds"
    assert "--admin-insecure-mode" not in args


def test_no_secret_on_the_command_line() -> None:
    args = acapy_command_args(_launch())
    assert not {"--wallet-key", "--admin-api-key", "--webhook-url"} & set(args)


def test_forbidden_flags_are_refused() -> None:
    with pytest.raises(ValueError, match="auto-respond-presentation-request"):
        check_holder_args(["--auto-respond-presentation-request"])


def test_no_ledger_without_genesis() -> None:
    assert "--no-ledger" in holder_extra_args(WalletSettings())


def test_indy_genesis_file_and_url_are_passed(tmp_path: Path) -> None:
    genesis = tmp_path / "pool.txn"
    args = holder_extra_args(WalletSettings(genesis_file=genesis))
    assert args[args.index("--genesis-file") + 1] == str(genesis)
    assert "--no-ledger" not in args
    url_args = holder_extra_args(WalletSettings(genesis_url="https://ledger.example/genesis"))
    assert url_args[url_args.index("--genesis-url") + 1] == "https://ledger.example/genesis"


def test_mediator_invitation_is_passed() -> None:
    args = holder_extra_args(WalletSettings(mediator_invitation="http://m.example/?oob=abc"))
    assert args[args.index("--mediator-invitation") + 1] == "http://m.example/?oob=abc"


def test_plugins_are_loaded_with_one_flag_each() -> None:
    args = acapy_command_args(_launch(plugins=("a.b", "c.d")))
    assert args.count("--plugin") == 2
