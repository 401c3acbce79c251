"""Runs `learner-wallet demo` in a subprocess for the demo tests (no tests in here).

Temp XDG dirs and a temp data dir; every descendant seen while it runs is remembered, so a
test can check that none outlives the demo and clean up by pid if one does.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.integration.wallet_cli import CLI, pid_alive, wait_for

DEMO_DEADLINE = 300.0  # peers, wallet and story on 2 busy cores


class DemoRun:
    """One `learner-wallet demo` process; records every descendant it sees while running."""

    def __init__(self, data_dir: Path, xdg_root: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNER_WALLET_")}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(xdg_root / name.lower())
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [*CLI, "--data-dir", str(data_dir), "demo", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[str] = []
        self.seen: set[int] = set()
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def drain(self) -> str:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        self.seen |= descendants(self.process.pid)
        return "\n".join(self.lines)

    def line_with(self, text: str) -> str | None:
        self.drain()
        return next((line for line in self.lines if text in line), None)

    def reported_pids(self) -> dict[str, int]:
        try:
            line = wait_for(lambda: self.line_with("Demo processes:"), "the demo's pids", 180)
        except AssertionError as error:  # say what the demo printed instead
            logs = sorted((self.data_dir / "logs").glob("*.log"))
            tails = {log.name: log.read_text(errors="replace")[-1500:] for log in logs}
            raise AssertionError(f"{error}\nit printed:\n{self.drain()}\nlogs: {tails}") from None
        pairs = line.split("Demo processes: ", 1)[1].split(", ")
        return {name: int(pid) for name, pid in (pair.rsplit(" pid ", 1) for pair in pairs)}

    def wait(self, timeout: float = DEMO_DEADLINE) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.drain()
            time.sleep(0.2)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the demo did not end in {timeout:.0f} s:\n{self.drain()}")
        time.sleep(0.3)  # let the reader thread take the last lines
        self.drain()
        return self.process.returncode

    def kill(self) -> None:
        """Test clean-up only: the demo and whatever it left, by pid."""
        for pid in [self.process.pid, *self.seen]:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait()


def descendants(root: int) -> set[int]:
    """Every live process under `root` (by parent pid in /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(") ", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
