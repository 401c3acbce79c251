"""Runs the real `learner-wallet` command in subprocesses; every process handle is kept."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "ui.cli.main"]


def wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.2):
    """Poll until `predicate()` is truthy; fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as error:  # the thing may not be up yet
            last = error
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last: {last!r}")


def pid_alive(pid: int) -> bool:
    """True for a live process, false for a gone or zombie one."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


class WalletCli:
    """One data dir, driven through the command line as a learner would."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.env = {**os.environ, "LEARNER_WALLET_HOME": str(data_dir), **env}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*CLI, *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def start(self, *args: str, **env: str) -> str:
        """Start `learner-wallet start` and return the UI URL it prints."""
        self.process = subprocess.Popen(
            [*CLI, *args, "start"],
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()
        line = wait_for(lambda: self._line_with("is running at"), "the UI address", 90)
        return line.rsplit(" ", 1)[1]

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def _line_with(self, text: str) -> str | None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"start exited early: {''.join(self.output)}")
        return next((line.strip() for line in self.output if text in line), None)

    @property
    def token(self) -> str:
        return (self.data_dir / "ui-token").read_text().strip()

    def run_facts(self) -> dict[str, Any]:
        return json.loads((self.data_dir / "run.json").read_text())

    def api(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> tuple[int, Any]:
        """Call the running wallet's JSON API with the token; `body` is sent as JSON."""
        url = self.run_facts()["ui_url"].rstrip("/") + path
        headers = {"Authorization": f"Bearer {token or self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def api_ok(self, method: str, path: str, body: Any = None) -> Any:
        """The body of a call that must succeed (2xx); fail with the wallet's error if not."""
        code, answer = self.api(method, path, body)
        assert 200 <= code < 300, f"{method} {path}: {code} {answer}"
        return answer

    def status(self) -> dict[str, Any]:
        code, body = self.api("GET", "/api/status")
        assert code == 200, body
        return body

    def acapy_environ(self, pid: int) -> dict[str, str]:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
        pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
        return {key.decode(): value.decode() for key, value in pairs}

    def kill(self) -> None:
        """Last resort in a fixture's teardown: stop what this test started, by pid."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
