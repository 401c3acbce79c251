"""`stop`, `status` and `login`: talk to a wallet that `start` runs in another terminal."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from config.data_dir import DataDir, demo_data_dir
from config.run_facts import is_our_controller, running_facts
from config.wallet_command import wallet_command
from config.wallet_lock import wallet_in_use
from ui.cli import exit_codes

STOP_WAIT_SECONDS = 40.0


def _api(data_dir: DataDir, facts: dict[str, Any], method: str, path: str) -> Any:
    token = data_dir.ui_token_file.read_text().strip()
    base = str(facts["ui_url"])
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError(f"run.json names a non-loopback address {base!r}")
    request = urllib.request.Request(  # noqa: S310 (checked above: loopback http only)
        base.rstrip("/") + path,
        method=method,
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def not_running(data_dir: DataDir, command: str) -> str:
    """Nothing runs in `data_dir`: say which command helps, with its --data-dir.

    A learner who ran `make demo` and then types a plain command reaches the default data
    dir, not the demo's: when the demo's wallet runs, name the command that reaches it.
    """
    state = "initialized" if data_dir.is_initialized() else "not initialized"
    lines = [f"Learner Wallet is not running ({data_dir.root}: {state})."]
    demo = demo_data_dir()
    if demo.root != data_dir.root.resolve() and running_facts(demo) is not None:
        lines.append(f"The demo's wallet runs; to reach it: {wallet_command(demo, command)}")
    elif data_dir.is_initialized():
        lines.append(f"Start it with: {wallet_command(data_dir, 'start')}")
    else:
        lines.append(f"Create a wallet with: {wallet_command(data_dir, 'init')}")
    return "\n".join(lines)


def status(data_dir: DataDir) -> int:
    facts = running_facts(data_dir)
    if facts is None and wallet_in_use(data_dir):
        print(f"Learner Wallet is starting in {data_dir.root} (or being deleted); ask again soon.")
        return exit_codes.FAILED
    if facts is None:
        print(not_running(data_dir, "status"))
        return exit_codes.NOT_RUNNING
    print(f"Learner Wallet runs (controller pid {facts['controller_pid']}, "
          f"ACA-Py pid {facts['acapy_pid']}) at {facts['ui_url']}")  # fmt: skip
    try:
        body = _api(data_dir, facts, "GET", "/api/status")
    except (OSError, urllib.error.URLError, ValueError) as error:
        print(f"  but its API does not answer: {error}")
        return exit_codes.FAILED
    print(f"  agent: {body['agent_state']}, ACA-Py {body['acapy_version']}, "
          f"wallet {body['wallet_name']}, restarts {body['restarts']}")  # fmt: skip
    if body.get("counts"):
        counts = ", ".join(f"{name} {value}" for name, value in body["counts"].items())
        print(f"  {counts}")
    return exit_codes.OK if body["ready"] else exit_codes.FAILED


def stop(data_dir: DataDir) -> int:
    facts = running_facts(data_dir)
    if facts is None:
        print(not_running(data_dir, "stop"))
        return exit_codes.NOT_RUNNING
    pid = int(facts["controller_pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        if not is_our_controller(pid):
            print("Learner Wallet stopped.")
            return exit_codes.OK
        time.sleep(0.2)
    print(f"error: the wallet (pid {pid}) did not stop within {STOP_WAIT_SECONDS:.0f} s",
          file=sys.stderr)  # fmt: skip
    return exit_codes.FAILED


def login(data_dir: DataDir) -> int:
    facts = running_facts(data_dir)
    if facts is None:
        print(not_running(data_dir, "login"), file=sys.stderr)
        return exit_codes.NOT_RUNNING
    body = _api(data_dir, facts, "POST", "/api/session/login-link")
    print(f"Open this link to log in (it works once): {body['login_url']}")
    return exit_codes.OK
