"""The HTTPS did:web host in its own process, with the environment agents need to trust it.

A separate process, not a task in the caller's event loop: a test that blocks its loop
(waiting on the learner's CLI) must not stall the host the learner's agent resolves from.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.process import die_with_parent

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0


@dataclass
class DidWebHostProcess:
    """`python -m demo.didweb_host`, serving `root` over HTTPS with a test CA."""

    root: Path
    origin: str
    did: str
    ca_bundle: Path
    process: asyncio.subprocess.Process

    @classmethod
    async def start(cls, base_dir: Path) -> DidWebHostProcess:
        """Start the host and read the one JSON line it prints once it listens."""
        root = base_dir / "www"
        root.mkdir(parents=True, exist_ok=True)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "demo.didweb_host",
            "--root", str(root),
            "--state-dir", str(base_dir / "tls"),
            "--accept-tails-uploads",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=REPO,
            preexec_fn=die_with_parent,  # like the agents: no orphan if the test run is killed
        )  # fmt: skip
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
            info = json.loads(line)
        except (TimeoutError, ValueError) as error:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise RuntimeError(f"the did:web host did not start: {error!r}") from None
        return cls(root, info["origin"], info["did"], Path(info["ca_bundle"]), process)

    @property
    def agent_env(self) -> dict[str, str]:
        """aiohttp reads SSL_CERT_FILE; tails downloads use requests (REQUESTS_CA_BUNDLE)."""
        bundle = str(self.ca_bundle)
        return {"SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "PYTHONPATH": str(REPO)}

    @property
    def pid(self) -> int:
        return self.process.pid

    async def stop(self) -> None:
        """SIGTERM by our handle, SIGKILL if it lingers."""
        if self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
