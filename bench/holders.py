"""The two holders compared: bare ACA-Py driven through its admin API, and the real wallet.

The bare holder is launched exactly like the wallet's own ACA-Py (same supervisor, same
holder flags and plugins); only its webhooks go to the bench, which answers at once like a
wallet that never asks. The wallet is `learner-wallet start` in its own process, driven
through its JSON API, so its controller's memory and start time are its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.ports import free_port
from agent.process import AcaPyProcess, AcaPySecrets, log_path
from config.acapy_args import CORE_PLUGINS, AcaPyLaunch, holder_extra_args
from config.settings import WalletSettings

CLI = [sys.executable, "-m", "ui.cli.main"]
READY_TIMEOUT = 120.0


def isolated_env(root: Path, extra: dict[str, str]) -> dict[str, str]:
    """A file keyring and XDG dirs under `root`, so a cached wallet carries its key along."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNER_WALLET_")}
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = root / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["LEARNER_WALLET_HOME"] = str(root / "wallet")
    return {**env, **extra}


class BareHolder:
    """ACA-Py with the wallet's own launch flags, webhooks to the bench."""

    def __init__(self, process: AcaPyProcess) -> None:
        self.process = process
        self.client = AdminClient(process.admin_url, process.admin_key)

    @classmethod
    def launch(cls, home: Path, webhook_url: str, webhook_secret: str, env: dict[str, str]):
        launch = AcaPyLaunch(
            label="Bare holder",
            acapy_home=home / "acapy",
            wallet_name=f"bare-{uuid.uuid4().hex[:8]}",
            admin_port=free_port(),
            inbound_port=free_port(),
            log_file=log_path(home / "logs", "bare"),
            plugins=CORE_PLUGINS,
            extra_args=holder_extra_args(WalletSettings()),
            extra_env=env,
        )
        secrets = AcaPySecrets(wallet_key=Store.generate_raw_key(), webhook_secret=webhook_secret)
        return cls(AcaPyProcess(launch, secrets, webhook_url=webhook_url, restart_limit=0))

    async def start(self) -> float:
        """Start and return the milliseconds until ACA-Py said ready."""
        started = time.perf_counter()
        await self.process.start()
        return (time.perf_counter() - started) * 1000

    async def stop(self) -> None:
        await self.client.close()
        await self.process.stop()

    async def call(self, method: str, path: str, body: Any = None, **params: str | int) -> Any:
        return await self.client.request(method, path, json=body, params=params or None)

    async def did_key(self, key_type: str) -> str:
        body = {"method": "key", "options": {"key_type": key_type}}
        return str((await self.call("POST", "/wallet/did/create", body))["result"]["did"])


class WalletHolder:
    """`learner-wallet start` as a child process; its JSON API over one HTTP session."""

    def __init__(self, root: Path, env: dict[str, str], profile_to: Path | None = None) -> None:
        self.root = root
        self.profile_to = profile_to  # run the controller under cProfile (timings invalid)
        self.env = isolated_env(root, env)
        self.data_dir = root / "wallet"
        self.process: asyncio.subprocess.Process | None = None
        self.output: list[str] = []
        self._session: aiohttp.ClientSession | None = None
        self._pump: asyncio.Task[None] | None = None

    async def init(self) -> None:
        process = await asyncio.create_subprocess_exec(
            *CLI, "init", env=self.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"learner-wallet init failed: {out.decode()[-2000:]}")

    async def start(self, **env: str) -> float:
        """Start and return the milliseconds until `/api/status` first said ready."""
        started = time.perf_counter()
        command = [*CLI, "start"]
        if self.profile_to is not None:
            command = [sys.executable, "-m", "cProfile", "-o", str(self.profile_to), *command[1:]]
        self.process = await asyncio.create_subprocess_exec(
            *command, env={**self.env, **env}, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        self._pump = asyncio.create_task(self._drain(), name="wallet output")
        deadline = started + READY_TIMEOUT
        while time.perf_counter() < deadline:
            if self.process.returncode is not None:
                raise RuntimeError(f"learner-wallet start exited: {''.join(self.output)[-2000:]}")
            with contextlib.suppress(aiohttp.ClientError, OSError, ValueError, KeyError):
                if (await self.api("GET", "/api/status"))["ready"]:
                    return (time.perf_counter() - started) * 1000
            await asyncio.sleep(0.02)
        raise TimeoutError(f"the wallet was not ready within {READY_TIMEOUT:g} s")

    async def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for line in self.process.stdout:
            self.output.append(line.decode(errors="replace"))

    async def stop(self) -> None:
        """SIGTERM by our own handle; the wallet stops its ACA-Py itself."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        process = self.process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._pump is not None:
            await asyncio.gather(self._pump, return_exceptions=True)

    @property
    def token(self) -> str:
        return (self.data_dir / "ui-token").read_text().strip()

    def run_facts(self) -> dict[str, Any]:
        return json.loads((self.data_dir / "run.json").read_text())

    @property
    def ui_url(self) -> str:
        return str(self.run_facts()["ui_url"]).rstrip("/")

    async def api(self, method: str, path: str, body: Any = None) -> Any:
        """One JSON API call; raises with the wallet's JSON error on anything but 2xx."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {self.token}"})
        async with self._session.request(method, self.ui_url + path, json=body) as response:
            answer = await response.json(content_type=None)
            if response.status >= 300:
                raise aiohttp.ClientResponseError(
                    response.request_info, (), status=response.status, message=str(answer)
                )
            return answer

    def acapy_admin(self) -> AdminClient:
        """The wallet's own ACA-Py admin API (key from its environment), for seeding and
        for timing the wallet's candidate lookup in isolation."""
        pid = int(self.run_facts()["acapy_pid"])
        raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        port = int(args[args.index(b"--admin") + 2])
        return AdminClient(f"http://127.0.0.1:{port}", env["ACAPY_ADMIN_API_KEY"])

    @property
    def controller_pid(self) -> int:
        return int(self.run_facts()["controller_pid"])

    @property
    def acapy_pid(self) -> int:
        return int(self.run_facts()["acapy_pid"])
