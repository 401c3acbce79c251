"""`learner-wallet demo`: the real CLI in a subprocess, with real peers and the real wallet.

Proves that `--auto` plays the whole story (connect, three credentials, two presentations
that the employer verifies) through the demo's own mediator in `pickup` delivery (the
default: no DIDComm message reaches the wallet's own port) with the demo's own trust list
(the university on it, the employer not), that Ctrl-C stops every process
the demo started, and that a second run in the same dir starts fresh, here in `direct`
delivery.
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.demo_run import DemoRun
from tests.integration.wallet_cli import CLI, pid_alive, wait_for

pytestmark = pytest.mark.integration


MEDIATOR = "Campus Mediator"
RECEIVING_THROUGH_MEDIATOR = f"Your wallet receives through “{MEDIATOR}”"
DIDCOMM_POST = '"POST / HTTP/1.1"'  # in ACA-Py's access log: a peer sent to our own port


def assert_all_gone(run: DemoRun, reported: dict[str, int]) -> None:
    started = set(reported.values()) | run.seen
    assert len(started) >= 5, (reported, run.seen)  # host, institute, employer, wallet, demo
    left = wait_for(
        lambda: not [p for p in started if pid_alive(p)] or None,
        "every process the demo started to be gone",
        10,
    )
    assert left


@pytest.fixture
def demo_runs(tmp_path: Path):
    runs: list[DemoRun] = []

    def start(*args: str) -> DemoRun:
        run = DemoRun(tmp_path / "demo", tmp_path / "xdg", *args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill()


def test_demo_auto_plays_the_story_and_leaves_nothing_running(demo_runs, tmp_path: Path) -> None:
    began = time.monotonic()
    run = demo_runs("--auto")
    reported = run.reported_pids()
    assert {"did:web host", "institute", "employer", "mediator", "wallet agent", "demo"} <= set(
        reported
    )
    code = run.wait()
    output = run.drain()
    assert code == 0, output
    assert RECEIVING_THROUGH_MEDIATOR in output and "demo --delivery direct" in output
    _the_demo_brought_its_own_trust_list(output, tmp_path / "demo")
    holder_log = (tmp_path / "demo" / "logs" / "acapy-holder.log").read_text(encoding="utf-8")
    assert DIDCOMM_POST not in holder_log  # everything came over the mediator's socket
    assert "The employer verified both presentations." in output
    assert "Request 1 (anoncreds: Course passed): verified" in output
    assert "shared: course_title" in output and "proved without the value: score >= 70" in output
    assert re.search(r"hidden: .*score", output.split("Request 2")[1]), output
    assert "shared: completionDate, courseTitle" in output
    summary = output.split("Request 1 (")[1]
    assert "87" not in summary  # values stay out of the summary; the score in particular
    assert_all_gone(run, reported)
    # The first run made the data dir itself; its controller log is there all the same.
    log = tmp_path / "demo" / "logs" / "controller.log"
    assert log.stat().st_mode & 0o777 == 0o600
    assert "INFO" in log.read_text(encoding="utf-8")
    print(f"demo --auto took {time.monotonic() - began:.1f} s end to end")


def test_ctrl_c_stops_everything_and_a_second_run_starts_fresh(demo_runs, tmp_path: Path) -> None:
    run = demo_runs()
    reported = run.reported_pids()
    login = wait_for(lambda: run.line_with("Open this link to log in"), "the login link")
    ui_url = login.rsplit(" ", 1)[1].split("/login")[0]
    token = (tmp_path / "demo" / "ui-token").read_text().strip()
    request = urllib.request.Request(
        f"{ui_url}/api/demo", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        state = json.load(response)
    assert state["steps"] == {"1": "todo", "2": "todo", "3": "todo"}
    _the_wallet_receives_through_the_demo_mediator(ui_url, token)
    _the_printed_login_command_works(run, ui_url, tmp_path / "demo")

    run.process.send_signal(signal.SIGINT)
    assert run.wait(120) == 0, run.drain()
    assert "Demo stopped" in run.drain()
    assert_all_gone(run, reported)

    again = demo_runs("--auto", "--delivery", "direct")
    assert "mediator" not in again.reported_pids()
    assert again.wait() == 0, again.drain()
    output = again.drain()
    assert "Starting from a fresh demo wallet" in output
    assert "Your wallet receives directly on this computer" in output
    assert "The employer verified both presentations." in output


def _the_demo_brought_its_own_trust_list(output: str, demo_dir: Path) -> None:
    """The university on it under its did:web and both did:keys, with its register; the
    employer not on it; the demo says so in plain words."""
    assert "The demo brings its own trust list: “Open Learning Institute” is on it" in output
    listed = json.loads((demo_dir / "peers" / "trust-list.json").read_text(encoding="utf-8"))
    dids = [entry["did"] for entry in listed]
    assert len(dids) == 3 and dids[0].startswith("did:web:"), dids
    assert all(did.startswith("did:key:") for did in dids[1:]), dids
    for entry in listed:
        assert entry["name"] == "Open Learning Institute" and entry["roles"] == ["issuer"]
        assert entry["register"] == "Demo register of recognised education providers"
        assert "oob=" in entry["invitation"]


def _the_wallet_receives_through_the_demo_mediator(ui_url: str, token: str) -> None:
    """`GET /api/status`: pickup delivery, connected to the demo's mediator, named."""

    def delivery() -> dict[str, object] | None:
        request = urllib.request.Request(
            f"{ui_url}/api/status", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            found = json.load(response)["delivery"]
        return found if found["state"] == "connected" else None

    found = wait_for(delivery, "the wallet connected to the demo's mediator", 60)
    assert (found["mode"], found["mediator"]) == ("pickup", MEDIATOR), found


def _the_printed_login_command_works(run: DemoRun, ui_url: str, demo_dir: Path) -> None:
    """The command the demo prints, pasted into a shell, gives a fresh link for the demo's
    wallet; the demo's login page names the same command."""
    command = run.line_with("For a fresh login link, run: ")
    assert command is not None, run.drain()
    command = command.removeprefix("For a fresh login link, run: ")
    assert shlex.split(command)[-3:] == ["--data-dir", str(demo_dir), "login"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNER_WALLET_")}
    pasted = subprocess.run(
        ["/bin/sh", "-c", command], env=env, capture_output=True, text=True, timeout=60
    )
    assert pasted.returncode == 0, pasted.stderr
    assert f"Open this link to log in (it works once): {ui_url}/login?code=" in pasted.stdout
    page = urllib.request.Request(f"{ui_url}/credentials", headers={"Accept": "text/html"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(page, timeout=30)
    assert refused.value.code == 401
    assert f"<code>{command}</code>" in html.unescape(refused.value.read().decode())


def test_demo_refuses_a_dir_that_holds_something_else(tmp_path: Path) -> None:
    data_dir = tmp_path / "someone-elses"
    data_dir.mkdir()
    (data_dir / "wallet.json").write_text("{}")
    result = subprocess.run(
        [*CLI, "--data-dir", str(data_dir), "demo", "--auto"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 8, result  # the data dir holds something else
    assert "not a demo data dir" in result.stderr
    names = {p.name for p in data_dir.iterdir()}
    assert "wallet.json" in names and names <= {"wallet.json", "logs"}, names
    assert (data_dir / "wallet.json").read_text() == "{}"
