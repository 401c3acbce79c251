"""A real Credo-ts 0.5.19 mediator (tests/mediators/credo/mediator.js) for the tests, on 127.0.0.1.

`start_credo_mediator(data_dir)` starts `node mediator.js`, reads the one JSON line it prints
once it is ready (with a deadline) and returns a `CredoMediator`; `stop()` ends it by its own
process handle (SIGTERM, then SIGKILL after a grace period). What the mediator did (message
types, mediation states, queue counts; never contents) is in its log, one JSON object per
line, read back with `events()`.

scripts/setup-credo.sh (run by `make test`) installs it; without it, starting raises
`CredoMediatorSetupError` saying so.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from agent.process import die_with_parent

REPO = Path(__file__).resolve().parents[2]
CREDO_DIR = REPO / "tests" / "mediators" / "credo"
SCRIPT = CREDO_DIR / "mediator.js"
NATIVE_DIR = CREDO_DIR / "native"
SETUP_HINT = "run scripts/setup-credo.sh (make test runs it)"
START_TIMEOUT = 60.0
STOP_GRACE = 10.0
Forwarding = Literal["queue-and-live", "queue-only"]
PickupVersions = Literal["both", "v1", "v2"]

# What setup-credo.sh leaves behind; each is checked before starting node.
MODULES = CREDO_DIR / "node_modules"
REQUIRED = {
    "Credo (npm ci)": MODULES / "@credo-ts/core/package.json",
    "the Askar node binding": MODULES / "@openwallet-foundation/askar-nodejs/package.json",
    "the ffi addon (npm rebuild)": MODULES / "@2060.io/ffi-napi/build/Release/ffi_bindings.node",
    "libaries_askar.so (from the aries-askar wheel)": NATIVE_DIR / "libaries_askar.so",
}


class CredoMediatorSetupError(RuntimeError):
    """node, or what scripts/setup-credo.sh installs, is missing."""


class CredoMediatorStartError(RuntimeError):
    """The mediator process did not print its ready line in time, or exited."""


def node_executable() -> str:
    """The `node` to run, or CredoMediatorSetupError naming what is missing."""
    node = shutil.which("node")
    if node is None:
        raise CredoMediatorSetupError(f"`node` is not on PATH: install nodejs, then {SETUP_HINT}")
    missing = [what for what, path in REQUIRED.items() if not path.exists()]
    if missing:
        raise CredoMediatorSetupError(
            f"the Credo mediator is not installed ({', '.join(missing)} missing): {SETUP_HINT}"
        )
    return node


def decode_oob_url(url: str) -> dict[str, Any]:
    """The out-of-band invitation in a `?oob=` URL."""
    encoded = parse_qs(urlsplit(url).query)["oob"][0]
    return dict(json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))))


@dataclass
class CredoMediator:
    """One running `node mediator.js`; stop it with `stop()`."""

    process: asyncio.subprocess.Process
    data_dir: Path
    log_file: Path
    info: dict[str, Any]
    started_in: float
    _log_start: int = field(default=0, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def invitation_url(self) -> str:
        """A multi-use out-of-band invitation (DID Exchange) to connect for mediation."""
        return str(self.info["invitation_url"])

    @property
    def port(self) -> int:
        return int(self.info["http_port"])

    @property
    def http_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.info['http_port']}"

    @property
    def ws_endpoint(self) -> str:
        return f"ws://127.0.0.1:{self.info['ws_port']}"

    @property
    def label(self) -> str:
        return str(self.info["label"])

    def invitation(self) -> dict[str, Any]:
        """The invitation as JSON, with every service Credo lists (http and ws)."""
        return decode_oob_url(self.invitation_url)

    def invitation_for(self, scheme: Literal["http", "ws"]) -> dict[str, Any]:
        """The invitation reduced to its one `scheme` service (stock ACA-Py takes only one)."""
        invitation = self.invitation()
        services = [
            s
            for s in invitation["services"]
            if isinstance(s, dict) and urlsplit(s["serviceEndpoint"]).scheme == scheme
        ]
        if len(services) != 1:
            raise AssertionError(f"expected one {scheme} service in {invitation['services']!r}")
        return {**invitation, "services": services}

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """What this run of the mediator logged (one JSON object a line), optionally one kind."""
        found = []
        with self.log_file.open("rb") as log:
            log.seek(self._log_start)
            for raw in log:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("{"):
                    continue
                with contextlib.suppress(ValueError):
                    item = json.loads(line)
                    if name is None or item.get("event") == name:
                        found.append(item)
        return found

    def log_tail(self, lines: int = 30) -> str:
        with self.log_file.open("rb") as log:
            log.seek(self._log_start)
            text = log.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self, grace: float = STOP_GRACE) -> int:
        """SIGTERM by our handle, SIGKILL if it is still there after `grace`; the exit code."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        return self.process.returncode if self.process.returncode is not None else -1


async def spawn_credo_node(
    args: list[str], data_dir: Path, log_file: Path, env: dict[str, str]
) -> CredoMediator:
    """Run one of the Credo scripts here (`args` start with the script) with its stderr
    appended to `log_file`; the caller reads its ready line from stdout."""
    with log_file.open("ab") as log:
        log_start = log.tell()
        process = await asyncio.create_subprocess_exec(
            node_executable(),
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            cwd=CREDO_DIR,
            env=env,
            preexec_fn=die_with_parent,  # no orphan if the test run is killed
        )
    return CredoMediator(process, data_dir, log_file, {}, 0.0, log_start)


async def start_credo_mediator(
    data_dir: Path,
    *,
    label: str = "Credo Mediator",
    forwarding: Forwarding = "queue-and-live",
    requeue_unacked: bool = False,
    pickup: PickupVersions = "both",
    port: int = 0,
    log_level: str = "warn",
    timeout: float = START_TIMEOUT,  # noqa: ASYNC109 (a deadline named in the failure)
) -> CredoMediator:
    """Start the mediator with its wallet in `data_dir` and wait for its ready line.

    `pickup` restricts the Message Pickup versions it answers (`v1`: RFC 0212 only).
    `port=0` lets the mediator take a free port itself (no race); pass the old port to restart
    a stopped mediator where its peers expect it. The same `data_dir` keeps its wallet.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    log_file = data_dir / "mediator.log"
    args = [str(SCRIPT), "--data-dir", str(data_dir), "--port", str(port), "--label", label]
    args += ["--forwarding", forwarding, "--pickup", pickup]
    if requeue_unacked:
        args.append("--requeue-unacked")
    env = {**os.environ, "LIB_ASKAR_PATH": str(NATIVE_DIR), "CREDO_LOG_LEVEL": log_level}
    for name in ("CREDO_MEDIATOR_FORWARDING", "CREDO_MEDIATOR_REQUEUE_UNACKED"):
        env.pop(name, None)  # the arguments say what this mediator does
    started = time.monotonic()
    mediator = await spawn_credo_node(args, data_dir, log_file, env)
    process = mediator.process
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
        if not line:
            await asyncio.wait_for(process.wait(), 5)
            raise CredoMediatorStartError(
                f"the Credo mediator exited with code {process.returncode} before it was ready;"
                f" its log ({log_file}) ends:\n{mediator.log_tail()}"
            )
        info = json.loads(line)
        if not info.get("ready"):
            raise CredoMediatorStartError(f"unexpected first line from the mediator: {line!r}")
    except (TimeoutError, ValueError) as error:
        await mediator.stop(grace=2)
        raise CredoMediatorStartError(
            f"the Credo mediator printed no ready line within {timeout:g} s ({error!r});"
            f" its log ({log_file}) ends:\n{mediator.log_tail()}"
        ) from None
    except BaseException:
        await mediator.stop(grace=2)
        raise
    mediator.info = info
    mediator.started_in = time.monotonic() - started
    return mediator
