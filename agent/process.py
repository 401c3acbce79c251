"""The one way we run ACA-Py: a supervised child process (the holder and every test peer).

Secrets reach ACA-Py through its environment only; `ps` and the logs show none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agent.events import AgentEvent, EventBus
from config.acapy_args import AcaPyLaunch, acapy_command_args

LOGGER = logging.getLogger(__name__)

AgentState = Literal["stopped", "starting", "ready", "restarting", "failed"]
# Our own variables that must not leak into ACA-Py's environment.
PRIVATE_VARIABLES = ("LEARNER_WALLET_PASSPHRASE",)
BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
STABLE_AFTER_SECONDS = 60.0


class AcaPyStartError(Exception):
    """ACA-Py exited or never became ready; the message carries the reason from its log."""

    def __init__(self, message: str, *, port_in_use: bool = False) -> None:
        super().__init__(message)
        self.port_in_use = port_in_use


@dataclass(frozen=True)
class AcaPySecrets:
    """Per-run secrets: the admin key and webhook secret are fresh for every run."""

    wallet_key: str = field(repr=False)
    admin_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    webhook_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)


def die_with_parent() -> None:
    """Runs in the child before exec: Linux sends it SIGTERM if the controller dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


class AcaPyProcess:
    """Starts ACA-Py, waits for ready, restarts it with back-off if it dies, stops it cleanly."""

    def __init__(
        self,
        launch: AcaPyLaunch,
        agent_secrets: AcaPySecrets,
        *,
        webhook_url: str | None = None,
        restart_limit: int = 5,
        ready_timeout: float = 60.0,
        stop_grace: float = 15.0,
        bus: EventBus | None = None,
    ) -> None:
        self.launch = launch
        self.secrets = agent_secrets
        self.webhook_url = webhook_url
        self.restart_limit = restart_limit
        self.ready_timeout = ready_timeout
        self.stop_grace = stop_grace
        self.bus = bus
        self.state: AgentState = "stopped"
        self.restarts = 0
        self.last_error: str | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def admin_url(self) -> str:
        return self.launch.admin_url

    @property
    def admin_key(self) -> str:
        return self.secrets.admin_key

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        """Start and wait for `/status/ready`; raise AcaPyStartError with ACA-Py's reason."""
        await self.spawn()
        await self.until_ready()

    async def spawn(self) -> None:
        """Only launch the process: a caller may do its own work while ACA-Py starts."""
        self._stopping = False
        self._set_state("starting")
        await self._spawn()

    async def until_ready(self) -> None:
        """Wait for the spawned process's `/status/ready`, then watch it (restarts)."""
        await self._ready_or_terminate()
        self._watcher = asyncio.create_task(self._watch(), name=f"watch {self.launch.label}")

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after the grace period; never leaves an orphan behind."""
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        await self._terminate()
        self._set_state("stopped")

    async def _spawn_until_ready(self) -> None:
        await self._spawn()
        await self._ready_or_terminate()

    async def _ready_or_terminate(self) -> None:
        """Wait for `/status/ready`; a process that never gets there is not left running."""
        try:
            await self._wait_ready()
        except BaseException:
            await self._terminate()
            raise
        self._set_state("ready")

    async def _spawn(self) -> None:
        self.launch.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.launch.acapy_home.mkdir(parents=True, exist_ok=True)
        self._log_offset = (
            self.launch.log_file.stat().st_size if self.launch.log_file.exists() else 0
        )
        command = [sys.executable, "-m", "acapy_agent", "start", *acapy_command_args(self.launch)]
        with open(self.launch.log_file, "ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                env=self._environment(),
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        LOGGER.info("started ACA-Py %r (pid %d)", self.launch.label, self._process.pid)

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in PRIVATE_VARIABLES}
        env.update(self.launch.extra_env)
        env["ACAPY_HOME"] = str(self.launch.acapy_home)
        env["ACAPY_ADMIN_API_KEY"] = self.secrets.admin_key
        env["ACAPY_WALLET_KEY"] = self.secrets.wallet_key
        if self.webhook_url:
            env["ACAPY_WEBHOOK_URL"] = f"{self.webhook_url}#{self.secrets.webhook_secret}"
        else:
            env.pop("ACAPY_WEBHOOK_URL", None)
        return env

    async def _wait_ready(self) -> None:
        # Imported here, after the spawn: aiohttp takes a fifth of a second to load, which
        # the learner's `start` would otherwise spend before launching ACA-Py.
        import aiohttp

        assert self._process is not None
        deadline = time.monotonic() + self.ready_timeout
        headers = {"x-api-key": self.secrets.admin_key}
        timeout = aiohttp.ClientTimeout(total=2)
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            while time.monotonic() < deadline:
                if self._process.returncode is not None:
                    raise self._start_error(f"ACA-Py exited with code {self._process.returncode}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(f"{self.admin_url}/status/ready") as response:
                        if response.status == 200 and (await response.json()).get("ready"):
                            return
                await asyncio.sleep(0.1)
        raise self._start_error(f"ACA-Py was not ready within {self.ready_timeout:.0f} s")

    def _start_error(self, summary: str) -> AcaPyStartError:
        tail = self._log_tail()
        port_in_use = "address already in use" in tail.lower()
        reason = _reason_from_log(tail)
        message = f"{summary}: {reason}" if reason else summary
        message += f" (see {self.launch.log_file})"
        self.last_error = message
        return AcaPyStartError(message, port_in_use=port_in_use)

    def _log_tail(self, limit: int = 20_000) -> str:
        try:
            with open(self.launch.log_file, "rb") as log:
                log.seek(max(self._log_offset, log.seek(0, os.SEEK_END) - limit))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    async def _watch(self) -> None:
        """Restart ACA-Py with back-off when it dies, until the restart limit is reached."""
        while not self._stopping:
            assert self._process is not None
            ready_since = time.monotonic()
            code = await self._process.wait()
            if self._stopping:
                return
            if time.monotonic() - ready_since > STABLE_AFTER_SECONDS:
                self.restarts = 0
            self.last_error = f"ACA-Py exited unexpectedly with code {code}"
            LOGGER.warning("%s (%s)", self.last_error, self.launch.label)
            if not await self._restart_with_backoff():
                return

    async def _restart_with_backoff(self) -> bool:
        while self.restarts < self.restart_limit:
            delay = BACKOFF_SECONDS[min(self.restarts, len(BACKOFF_SECONDS) - 1)]
            self.restarts += 1
            self._set_state("restarting")
            LOGGER.info("restarting ACA-Py in %.0f s (attempt %d)", delay, self.restarts)
            await asyncio.sleep(delay)
            try:
                await self._spawn_until_ready()
                return True
            except AcaPyStartError as error:
                LOGGER.warning("restart failed: %s", error)
        self._set_state("failed")
        LOGGER.error("ACA-Py failed %d times; giving up", self.restarts)
        return False

    async def _terminate(self) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self.stop_grace)
        except TimeoutError:
            LOGGER.warning("ACA-Py ignored SIGTERM for %.0f s; killing it", self.stop_grace)
            process.kill()
            await process.wait()

    def _set_state(self, state: AgentState) -> None:
        self.state = state
        if self.bus is not None:
            detail = {"state": state, "label": self.launch.label, "restarts": self.restarts}
            if self.last_error and state in ("restarting", "failed"):
                detail["error"] = self.last_error
            self.bus.publish(AgentEvent(topic="agent_state", payload=detail, source="supervisor"))


def _reason_from_log(tail: str) -> str:
    """The most telling line of ACA-Py's output, so the learner need not read a traceback."""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    markers = ("Error", "error:", "Exception", "address already in use")
    for line in reversed(lines):
        if any(marker in line for marker in markers) and not line.startswith("File "):
            return line[:500]
    return lines[-1][:500] if lines else ""


def log_path(directory: Path, label: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label.lower())
    return directory / f"acapy-{safe}.log"
