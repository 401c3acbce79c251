"""Issue #2 against the real thing: `learner-wallet` and its ACA-Py child on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.wallet_cli import WalletCli, pid_alive, wait_for

pytestmark = pytest.mark.integration


def _ready(cli: WalletCli) -> dict:
    return wait_for(lambda: (s := cli.status())["ready"] and s, "status ready")


def test_init_makes_the_key_and_refuses_to_run_twice(wallet_cli: WalletCli) -> None:
    wallet_file = wallet_cli.data_dir / "wallet.json"
    made = json.loads(wallet_file.read_text())
    assert made["agent_store_created"] is False and made["subject_dids"] == {}
    assert not (wallet_cli.data_dir / "acapy").exists()  # ACA-Py makes it at the first start
    before = {p: p.read_bytes() for p in wallet_cli.data_dir.rglob("*") if p.is_file()}
    again = wallet_cli.run("init")
    assert again.returncode == 8  # the data dir holds a wallet: not 3, which means "no wallet"
    assert "already exists" in again.stderr and "nothing was changed" in again.stderr
    after = {p: p.read_bytes() for p in wallet_cli.data_dir.rglob("*") if p.is_file()}
    assert after == before


def test_the_first_start_makes_the_agent_store_and_its_loss_stops_later_ones(
    wallet_cli: WalletCli,
) -> None:
    port = json.loads((wallet_cli.data_dir / "wallet.json").read_text())["inbound_port"]
    wallet_cli.start()
    _ready(wallet_cli)
    made = json.loads((wallet_cli.data_dir / "wallet.json").read_text())
    assert made["agent_store_created"] is True and made["inbound_port"] == port
    assert made["subject_dids"] == {}  # W3C credentials get one each (test_offers.py)
    assert wallet_cli.run("stop", timeout=60).returncode == 0
    assert wallet_cli.process is not None and wallet_cli.process.wait(60) == 0
    # Once made, ACA-Py's store is never made again empty: its loss is said, not hidden.
    store = next((wallet_cli.data_dir / "acapy" / "wallet").glob("*/sqlite.db"))
    store.rename(store.with_name("moved-away.db"))
    lost = wallet_cli.run("start", timeout=60)
    assert lost.returncode != 0 and "is missing" in lost.stderr, lost.stderr
    assert not store.exists()


def test_start_ready_stop_leaves_no_process_behind(wallet_cli: WalletCli) -> None:
    wallet_cli.start()
    status = _ready(wallet_cli)
    assert status["acapy_version"] == "1.7.0"
    assert status["counts"]["dids"] == 0  # none until a connection or credential needs one
    facts = wallet_cli.run_facts()
    acapy_pid, controller_pid = facts["acapy_pid"], facts["controller_pid"]
    assert pid_alive(acapy_pid)
    shown = wallet_cli.run("status")
    assert shown.returncode == 0 and "ACA-Py 1.7.0" in shown.stdout
    # A second `start` of the same wallet is refused at once; the first runs on untouched.
    twice = wallet_cli.run("start", timeout=60)
    assert twice.returncode == 14, twice.stderr
    assert "in use by another program" in twice.stderr
    assert wallet_cli.run_facts()["controller_pid"] == controller_pid
    assert _ready(wallet_cli)["ready"]
    # The login command `start` printed works when pasted in the same shell ($LEARNER_WALLET_HOME).
    hint = wait_for(lambda: wallet_cli._line_with("For a fresh login link, run: "), "login hint")
    pasted = subprocess.run(
        ["/bin/sh", "-c", hint.removeprefix("For a fresh login link, run: ")],
        env=wallet_cli.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert pasted.returncode == 0, pasted.stderr
    assert f"{facts['ui_url']}login?code=" in pasted.stdout
    stopped = wallet_cli.run("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert wallet_cli.process is not None
    assert wallet_cli.process.wait(30) == 0
    assert not pid_alive(acapy_pid)
    assert not pid_alive(controller_pid)
    assert not (wallet_cli.data_dir / "run.json").exists()
    assert wallet_cli.run("status").returncode == 7


def test_ctrl_c_stops_the_wallet_and_its_agent(wallet_cli: WalletCli) -> None:
    wallet_cli.start()
    _ready(wallet_cli)
    acapy_pid = wallet_cli.run_facts()["acapy_pid"]
    assert wallet_cli.process is not None
    wallet_cli.process.send_signal(signal.SIGINT)
    assert wallet_cli.process.wait(30) == 0
    assert not pid_alive(acapy_pid)


def test_killed_agent_is_restarted_and_ready_again(wallet_cli: WalletCli) -> None:
    wallet_cli.start()
    first = _ready(wallet_cli)
    old_pid = first["agent_pid"]
    os.kill(old_pid, signal.SIGKILL)
    status = wait_for(
        lambda: (s := wallet_cli.status())["ready"] and s["agent_pid"] != old_pid and s,
        "ACA-Py restarted and ready",
        timeout=60,
    )
    assert status["restarts"] == 1
    assert "exited unexpectedly" in status["last_error"]
    assert not pid_alive(old_pid)


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "logs" not in p.parts
    }


def test_wrong_passphrase_is_clear_and_changes_nothing(tmp_path: Path) -> None:
    no_keyring = {
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "LEARNER_WALLET_PASSPHRASE": "the right passphrase",
    }
    cli = WalletCli(tmp_path / "wallet", **no_keyring)
    try:
        created = cli.run("init")
        assert created.returncode == 0, created.stderr
        assert "your passphrase" in created.stdout
        before = _tree_digest(cli.data_dir)
        wrong = cli.run("start", LEARNER_WALLET_PASSPHRASE="not the passphrase")
        assert wrong.returncode == 4
        assert "wrong passphrase" in wrong.stderr
        assert "Traceback" not in wrong.stderr
        assert _tree_digest(cli.data_dir) == before
        cli.start()
        assert _ready(cli)["ready"]
    finally:
        cli.kill()


@pytest.mark.parametrize("setting", ["LEARNER_WALLET_UI_PORT", "LEARNER_WALLET_INBOUND_PORT"])
def test_a_busy_port_is_reported_clearly(wallet_cli: WalletCli, setting: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = wallet_cli.run("start", **{setting: str(port)})
    assert result.returncode == 5
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert setting in result.stderr


def test_init_with_data_dir_names_it_in_the_next_command(tmp_path: Path) -> None:
    """`--data-dir` wins over $LEARNER_WALLET_HOME, and "Next:" keeps it, quoted for a shell."""
    chosen = tmp_path / "my wallet's dir"
    cli = WalletCli(tmp_path / "elsewhere", PATH=f"/usr/bin{os.pathsep}/bin")
    created = cli.run("--data-dir", str(chosen), "init")
    assert created.returncode == 0, created.stderr
    assert "(the key is kept in the OS keyring)" in created.stdout
    next_line = next(x for x in created.stdout.splitlines() if x.startswith("Next: "))
    command = next_line.removeprefix("Next: ")
    assert f"--data-dir {shlex.quote(str(chosen))} start" in command
    words = shlex.split(command)
    assert words[0] == str(Path(sys.executable).parent / "learner-wallet")  # not on PATH
    assert words[1:] == ["--data-dir", str(chosen), "start"]
    # Pasted as printed (with `status` for `start`), it reaches the new wallet.
    status = subprocess.run(
        ["/bin/sh", "-c", command.removesuffix(" start") + " status"],
        env=cli.env | {"PATH": f"/usr/bin{os.pathsep}/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 7, status.stderr
    assert f"({chosen}: initialized)" in status.stdout
    assert not (tmp_path / "elsewhere").exists()


def test_start_without_a_wallet_says_to_init(tmp_path: Path) -> None:
    result = WalletCli(tmp_path / "none").run("start")
    assert result.returncode == 3
    assert "learner-wallet init" in result.stderr


def test_invalid_setting_stops_start_up_naming_it(wallet_cli: WalletCli) -> None:
    (wallet_cli.data_dir / "config.toml").write_text('log_level = "chatty"\n')
    result = wallet_cli.run("start")
    assert result.returncode == 6
    assert "log_level" in result.stderr and "'debug', 'info'" in result.stderr


def test_logs_of_a_full_run_hold_no_secret(wallet_cli: WalletCli) -> None:
    wallet_cli.start("--verbose", LEARNER_WALLET_LOG_LEVEL="debug")
    status = _ready(wallet_cli)
    environ = wallet_cli.acapy_environ(status["agent_pid"])
    webhook_secret = environ["ACAPY_WEBHOOK_URL"].split("#", 1)[1]
    login_code = next(line for line in wallet_cli.output if "login?code=" in line).split("=")[-1]
    assert wallet_cli.api("POST", "/api/session/login-link")[0] == 200
    assert wallet_cli.api("GET", "/api/status", token="wrong")[0] == 401
    cmdline = Path(f"/proc/{status['agent_pid']}/cmdline").read_bytes().decode()
    assert wallet_cli.run("stop").returncode == 0
    secrets = {
        "admin key": environ["ACAPY_ADMIN_API_KEY"],
        "wallet key": environ["ACAPY_WALLET_KEY"],
        "webhook secret": webhook_secret,
        "ui token": wallet_cli.token,
        "login code": login_code.strip(),
    }
    assert all(len(value) >= 16 for value in secrets.values())
    logs = list((wallet_cli.data_dir / "logs").rglob("*"))
    text = "".join(p.read_text(errors="replace") for p in logs if p.is_file())
    assert "ready" in text.lower() and len(text) > 1000  # the logs did record the run
    for name, value in secrets.items():
        assert value not in text, f"the {name} appears in the logs"
        assert value not in cmdline, f"the {name} appears on ACA-Py's command line"
