"""What the CLI tells a learner to type next names the wallet it means (issue #14, point 4)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.data_dir import HOME_VARIABLE, DataDir, default_data_dir, demo_data_dir
from config.wallet_command import wallet_command
from ui.cli import connect, control, exit_codes, lifecycle
from ui.cli import demo as demo_cli
from ui.runtime import RunningWallet
from wallet.wallet_key import WalletRecord


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform dirs are the test's own, and no $LEARNER_WALLET_HOME leaks in."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv(HOME_VARIABLE, raising=False)


@pytest.fixture
def running_demo() -> Iterator[DataDir]:
    """run.json in the default demo dir naming a live process that looks like the CLI."""
    demo = demo_data_dir()
    demo.root.mkdir(parents=True)
    stand_in = subprocess.Popen(
        [sys.executable, "-c", "print('up', flush=True); input()", "learner-wallet"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stand_in.stdout is not None
    assert stand_in.stdout.readline() == "up\n"  # exec'd: its cmdline is its own now
    demo.run_file.write_text(json.dumps({"controller_pid": stand_in.pid, "ui_url": "x"}))
    try:
        yield demo
    finally:
        assert stand_in.stdin is not None and stand_in.stdout is not None
        stand_in.stdin.close()
        stand_in.wait(30)
        stand_in.stdout.close()


def test_login_while_only_the_demo_runs_names_the_demos_command(
    running_demo: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert control.login(default_data_dir()) == exit_codes.NOT_RUNNING
    said = capsys.readouterr().err
    assert f"is not running ({default_data_dir().root}" in said
    assert wallet_command(running_demo, "login") in said
    assert f"--data-dir {running_demo.root} login" in said


def test_status_and_stop_point_at_the_demo_too(
    running_demo: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert control.status(default_data_dir()) == exit_codes.NOT_RUNNING
    assert control.stop(default_data_dir()) == exit_codes.NOT_RUNNING
    said = capsys.readouterr().out
    assert wallet_command(running_demo, "status") in said
    assert wallet_command(running_demo, "stop") in said


def test_connect_repeats_the_invitation_for_the_demo(
    running_demo: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    invitation = "https://issuer.example/?oob=abc&x=1"
    assert connect.connect(default_data_dir(), invitation, "My uni") == exit_codes.NOT_RUNNING
    said = capsys.readouterr().err
    line = next(x for x in said.splitlines() if "demo's wallet runs" in x)
    words = shlex.split(line.split("to reach it: ", 1)[1])
    assert words[-6:] == [
        "--data-dir",
        str(running_demo.root),
        "connect",
        invitation,
        "--alias",
        "My uni",
    ]


def test_not_running_says_how_to_start_or_create_this_wallet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = DataDir(tmp_path / "my wallet")
    assert control.status(wallet) == exit_codes.NOT_RUNNING
    assert f"Create a wallet with: {wallet_command(wallet, 'init')}" in capsys.readouterr().out
    wallet.root.mkdir()
    wallet.wallet_file.write_text("{}")
    assert control.login(wallet) == exit_codes.NOT_RUNNING
    said = capsys.readouterr().err
    assert f"Start it with: {wallet_command(wallet, 'start')}" in said
    assert f"--data-dir '{wallet.root}' start" in said


@pytest.mark.parametrize(
    ("storage", "wording"),
    [
        ("keyring", "the key is kept in the OS keyring"),
        ("passphrase", "the key comes from your passphrase"),
    ],
)
def test_init_says_where_the_key_is_and_the_exact_next_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    storage: str,
    wording: str,
) -> None:
    wallet = DataDir(tmp_path / "new wallet")

    async def made(data_dir: DataDir, _reader: object) -> WalletRecord:
        """Stands in for `init_wallet` so both ways of keeping the key can be named."""
        data_dir.root.mkdir()
        record = WalletRecord(wallet_name="w", key_storage=storage, created=datetime.now(UTC))
        data_dir.wallet_file.write_text(record.model_dump_json())
        return record

    monkeypatch.setattr(lifecycle, "init_wallet", made)
    assert lifecycle.init(wallet) == exit_codes.OK
    said = capsys.readouterr().out
    assert f"Created a wallet in {wallet.root} ({wording})." in said
    next_line = next(x for x in said.splitlines() if x.startswith("Next: "))
    words = shlex.split(next_line.removeprefix("Next: "))
    assert words[1:] == ["--data-dir", str(wallet.root), "start"]
    assert words[0] in ("learner-wallet", str(Path(sys.executable).parent / "learner-wallet"))


def test_init_in_the_env_dir_names_the_plain_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wallet = DataDir(tmp_path / "env wallet")
    monkeypatch.setenv(HOME_VARIABLE, str(wallet.root))

    assert lifecycle.init(wallet) == exit_codes.OK  # the real `init` (test keyring, no ACA-Py)
    next_line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Next: "))
    assert "--data-dir" not in next_line and next_line.endswith(" start")


def test_the_demo_prints_the_login_command_for_its_own_wallet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo_cli, "_has_desktop", lambda: False)
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}/bin")  # as `make demo` runs it
    running = RunningWallet(
        ui_url="http://127.0.0.1:1/", login_url="http://127.0.0.1:1/login?code=c", acapy_pid=1
    )
    demo_cli._invite_person(demo_data_dir(), running)
    said = capsys.readouterr().out
    line = next(x for x in said.splitlines() if x.startswith("For a fresh login link, run: "))
    words = shlex.split(line.removeprefix("For a fresh login link, run: "))
    assert words == [
        str(Path(sys.executable).parent / "learner-wallet"),
        "--data-dir",
        str(demo_data_dir().root),
        "login",
    ]
    assert Path(words[0]).is_file() and os.access(words[0], os.X_OK)


def test_the_demo_receives_through_its_mediator_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`demo` defaults to pickup; its words name the mediator and the way to run without."""
    from demo.story import DemoStory
    from ui.cli.main import build_parser

    assert build_parser().parse_args(["demo"]).delivery == "pickup"
    assert build_parser().parse_args(["demo", "--delivery", "direct"]).delivery == "direct"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--delivery", "pigeon"])
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}/bin")
    data_dir = demo_data_dir()
    through, without = demo_cli.delivery_lines(DemoStory(data_dir.root / "peers"), data_dir)
    assert "“Campus Mediator”, a mediator running on this computer" in through
    assert without.endswith(wallet_command(data_dir, "demo --delivery direct"))
    assert "--data-dir" in without  # the demo's dir is not the default one
    [direct] = demo_cli.delivery_lines(DemoStory(data_dir.root / "peers", "direct"), data_dir)
    assert "directly on this computer" in direct and "mediator" in direct
