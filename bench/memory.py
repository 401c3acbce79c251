"""Resident memory and CPU time of a process, read from /proc (Linux only)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    """VmRSS of `pid` in MiB (what `ps` and `top` call RES)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_idle(
    pids: list[int],
    *,
    window: float = 1.0,
    busy: float = 0.05,
    timeout: float = 1800.0,  # noqa: ASYNC109 (a deadline named in the failure)
) -> None:
    """Wait until none of `pids` used more than `busy` CPU seconds in a `window`, so
    background work (e.g. indexing at start-up) does not share the timings."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = [cpu_seconds(pid) for pid in pids]
        await asyncio.sleep(window)  # a measuring window, not a wait for a state
        after = [cpu_seconds(pid) for pid in pids]
        if all(b - a <= busy for a, b in zip(before, after, strict=True)):
            return
    raise TimeoutError(f"processes {pids} were still busy after {timeout:g} s")


class PeakRss:
    """Samples a process's RSS every `every` seconds until stopped; keeps the highest."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample(), name=f"rss of {self.pid}")

    async def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        return self.peak

    async def _sample(self) -> None:
        while True:
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except (OSError, ValueError):
                return
            await asyncio.sleep(self.every)  # a sampling period, not a wait for a state
