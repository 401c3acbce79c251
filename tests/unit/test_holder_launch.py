"""How the learner's agent is launched: its DIDComm port (kept once peers may know it, else
flexible) and a log level that never writes credential values."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.ports import PortInUseError, free_port
from config.data_dir import DataDir
from config.settings import WalletSettings
from wallet.holder_agent import holder_launch, inbound_port_of
from wallet.wallet_key import WalletRecord, WalletSecret


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something else listens on, for the test's duration."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def record(port: int, *, started: bool) -> WalletRecord:
    return WalletRecord(
        wallet_name="w",
        key_storage="keyring",
        created=datetime.now(UTC),
        inbound_port=port,
        agent_store_created=started,
    )


def test_a_started_wallet_keeps_its_port_and_a_busy_one_is_an_error(busy_port: int) -> None:
    kept = free_port()
    assert inbound_port_of(WalletSettings(), record(kept, started=True)) == kept
    with pytest.raises(PortInUseError):
        inbound_port_of(WalletSettings(), record(busy_port, started=True))


def test_a_never_started_wallet_takes_another_port_when_inits_pick_is_taken(
    busy_port: int,
) -> None:
    """No peer knows the port `init` picked until the first start, so any free one serves."""
    chosen = inbound_port_of(WalletSettings(), record(busy_port, started=False))
    assert chosen != busy_port and chosen > 0


def test_a_configured_port_wins_and_is_never_swapped(busy_port: int) -> None:
    with pytest.raises(PortInUseError):
        inbound_port_of(WalletSettings(inbound_port=busy_port), record(free_port(), started=False))


def test_the_agent_never_logs_at_debug_level_where_it_would_log_credential_values(
    tmp_path: Path,
) -> None:
    secret = WalletSecret(key="k", derivation="RAW")
    started = record(free_port(), started=True)
    for chosen, expected in (("debug", "info"), ("info", "info"), ("warning", "warning")):
        settings = WalletSettings(log_level=chosen)  # type: ignore[arg-type]
        launch = holder_launch(DataDir(tmp_path), settings, started, secret)
        assert launch.log_level == expected
