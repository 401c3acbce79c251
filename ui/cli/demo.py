"""`learner-wallet demo [--auto] [--delivery pickup|direct]`: the guided demo.

A university and an employer, and (in `pickup` delivery, the default) a mediator on this
computer that the demo's wallet receives through, as a learner at home would. Each run
starts from a fresh demo wallet (the demo's peers are new each run, so old connections
would lead nowhere) and fresh peers under `<demo dir>/peers`. Ctrl-C stops everything the
demo started, each process by its own handle.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import time
import webbrowser
from collections.abc import Awaitable
from dataclasses import dataclass

from agent.ports import PortInUseError
from agent.process import AcaPyStartError
from config.data_dir import DataDir
from config.settings import Delivery, SettingsError, WalletSettings, load_settings
from config.wallet_command import wallet_command
from demo.peers import ISSUER_LABEL, MEDIATOR_LABEL
from demo.story import DemoStory
from demo.story_auto import WalletApi, WalletApiError, play, summary
from demo.trust_list import DEMO_REGISTER
from ui.cli import exit_codes
from ui.cli.logs import add_file_log
from ui.runtime import RunningWallet, run_wallet
from wallet.provision import init_wallet
from wallet.wallet_key import (
    PASSPHRASE_VARIABLE,
    WalletKeyError,
    forget_key,
    load_key,
    load_wallet_record,
    usable_keyring,
)

DEMO_MARKER = ".learner-wallet-demo"
PEERS_DIR = "peers"
# The demo wallet holds only demo data; without an OS keyring it uses this passphrase.
DEMO_PASSPHRASE = "learner-wallet-demo"  # noqa: S105 (demo data only, said when used)
INTERRUPTED = 130
TRUST_LINE = (
    f"The demo brings its own trust list: “{ISSUER_LABEL}” is on it ({DEMO_REGISTER}), "
    "the employer is not, so your wallet shows the employer as unknown."
)


class DemoDirError(Exception):
    """The chosen data dir holds something that is not a demo wallet, or a demo runs there."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code  # DATA_DIR_TAKEN or DEMO_RUNNING


@dataclass
class DemoOutcome:
    code: int = exit_codes.OK
    message: str | None = None


def demo(data_dir: DataDir, auto: bool = False, delivery: Delivery = "pickup") -> int:
    """Reset the demo dir, then run peers and wallet until Ctrl-C (or, with --auto, the end)."""
    try:
        reset_demo_dir(data_dir)
    except DemoDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.code
    add_file_log(data_dir)
    if usable_keyring() is None and PASSPHRASE_VARIABLE not in os.environ:
        print("No OS keyring here: the demo wallet uses a fixed demo passphrase.")
        os.environ[PASSPHRASE_VARIABLE] = DEMO_PASSPHRASE
    try:
        outcome = asyncio.run(run_demo(data_dir, auto, delivery))
    except (WalletKeyError, SettingsError, PortInUseError, AcaPyStartError) as error:
        print(f"error: the demo could not start: {error}", file=sys.stderr)
        return exit_codes.FAILED
    if outcome.message:
        print(outcome.message, file=sys.stderr if outcome.code else sys.stdout)
    return outcome.code


def reset_demo_dir(data_dir: DataDir) -> None:
    """Remove the previous demo's data; refuse a dir that is not ours or is in use.

    The logs stay: the CLI has opened its log file there already.
    """
    root = data_dir.root
    found = [p for p in root.iterdir() if p != data_dir.logs] if root.exists() else []
    if found:
        if not (root / DEMO_MARKER).exists():
            raise DemoDirError(
                f"{root} is not empty and not a demo data dir; nothing was changed. "
                "Choose an empty or new --data-dir for the demo",
                exit_codes.DATA_DIR_TAKEN,
            )
        running = _running_pid(data_dir)
        if running:
            raise DemoDirError(
                f"a demo already runs in {root} (pid {running}); stop it first (Ctrl-C in its "
                f"terminal, or `{wallet_command(data_dir, 'stop')}`), or log in to it with "
                f"`{wallet_command(data_dir, 'login')}`",
                exit_codes.DEMO_RUNNING,
            )
        forget_key(data_dir)
        for path in found:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        print(f"Starting from a fresh demo wallet (removed the last demo's data in {root}).")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text("Learner Wallet demo data; `demo` resets it each run.\n")


def _running_pid(data_dir: DataDir) -> int | None:
    try:
        pid = int(json.loads(data_dir.run_file.read_text())["controller_pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


async def run_demo(data_dir: DataDir, auto: bool, delivery: Delivery = "pickup") -> DemoOutcome:
    """Peers and wallet side by side; the wallet runs until stopped or the auto play ends."""
    stop = _stop_on_signals()
    outcome = DemoOutcome()
    story = DemoStory(data_dir.root / PEERS_DIR, delivery)
    who = "an employer, a mediator" if delivery == "pickup" else "an employer"
    print(f"Starting the demo: a university, {who} and your wallet (about a minute) …")
    began = time.monotonic()
    try:
        ready = await _unless_stopped(_prepare(story, data_dir), stop)
        if not ready:
            return DemoOutcome(INTERRUPTED, "Demo stopped before it was ready.")
        os.environ.update(story.agent_env)  # the wallet's agent must trust the did:web host
        settings = await demo_settings(story, data_dir)
        record = load_wallet_record(data_dir)
        secret = load_key(data_dir, _no_terminal)
        players: list[asyncio.Task[None]] = []

        def on_ready(running: RunningWallet) -> None:
            pids = {**story.pids, "wallet agent": running.acapy_pid, "demo": os.getpid()}
            print("Demo processes: " + ", ".join(f"{k} pid {v}" for k, v in pids.items()))
            task = asyncio.create_task(_play(story, data_dir, running, outcome, stop, auto, began))
            players.append(task)

        await run_wallet(data_dir, settings, record, secret, on_ready, stop, demo=story)
        for task in players:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if auto and not players:
            return DemoOutcome(exit_codes.FAILED, "The wallet stopped before the demo could play.")
    finally:
        await asyncio.shield(story.stop())
        print(f"Demo stopped: the university, {who} and the wallet are shut down.")
    return outcome


async def demo_settings(story: DemoStory, data_dir: DataDir) -> WalletSettings:
    """The demo wallet's settings with the demo's own delivery and trust list (whatever the
    environment says): the learner's own trust list is never read or changed by the demo."""
    invitation = await story.mediator_invitation()
    return load_settings(
        data_dir.config_file,
        mediator_invitation=invitation,
        delivery=story.delivery,
        trust_list=await story.trust_list(),
    )


def delivery_lines(story: DemoStory, data_dir: DataDir) -> list[str]:
    """How messages reach the demo's wallet, in plain words, and how to see it the other way."""
    if story.delivery == "pickup":
        return [
            f"Your wallet receives through “{MEDIATOR_LABEL}”, a mediator running on this "
            "computer for the demo. The university and the employer send to the mediator; "
            "your wallet collects everything over one connection it opens itself, as it "
            "would at home behind a router.",
            "To run the demo with messages sent straight to your wallet instead: "
            + wallet_command(data_dir, "demo --delivery direct"),
        ]
    return [
        "Your wallet receives directly on this computer: the university and the employer "
        "send to it here, without a mediator.",
    ]


async def _play(
    story: DemoStory,
    data_dir: DataDir,
    running: RunningWallet,
    outcome: DemoOutcome,
    stop: asyncio.Event,
    auto: bool,
    began: float,
) -> None:
    """Once the wallet can receive (its mediation granted), play or invite the person."""
    try:
        if running.agent_admin is not None:
            await story.wait_learner_receiving(running.agent_admin)
    except TimeoutError as error:
        if auto:
            outcome.code = exit_codes.FAILED
            outcome.message = f"error: the demo did not finish: {error}"
            stop.set()
            return
        print(f"warning: {error}; messages may not reach your wallet yet", flush=True)
    print(f"Ready in {time.monotonic() - began:.0f} s.", flush=True)
    for line in delivery_lines(story, data_dir):
        print(line, flush=True)
    print(TRUST_LINE, flush=True)
    if auto:
        await _auto(story, data_dir, running, outcome, stop)
    else:
        _invite_person(data_dir, running)


async def _prepare(story: DemoStory, data_dir: DataDir) -> None:
    """The peers (slow: the institute registers its AnonCreds objects) and a new wallet."""
    await asyncio.gather(story.start(), init_wallet(data_dir, _no_terminal))


async def _unless_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run `work` unless Ctrl-C comes first (then cancel it); True when it finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def _auto(
    story: DemoStory,
    data_dir: DataDir,
    running: RunningWallet,
    outcome: DemoOutcome,
    stop: asyncio.Event,
) -> None:
    """Play the learner's part, judge the employer's verdicts, then stop the demo."""
    api = WalletApi(running.ui_url, data_dir.ui_token_file.read_text().strip())
    try:
        results = await play(story, api)
        lines = summary(results)
        verified = len(results) == 2 and all(r.verified for r in results)
        if verified:
            lines.append("The employer verified both presentations.")
        else:
            lines.append("error: the employer did not verify both presentations.")
        outcome.code = exit_codes.OK if verified else exit_codes.FAILED
        outcome.message = "\n".join(lines)
    except (WalletApiError, TimeoutError) as error:
        outcome.code = exit_codes.FAILED
        outcome.message = f"error: the demo did not finish: {error}"
    except Exception as error:  # any other failure still ends the demo cleanly
        outcome.code = exit_codes.FAILED
        outcome.message = f"error: the demo failed: {type(error).__name__}: {error}"
    finally:
        await api.close()
        stop.set()


def _invite_person(data_dir: DataDir, running: RunningWallet) -> None:
    print(f"Learner Wallet is running at {running.ui_url}", flush=True)
    print(f"Open this link to log in (it works once): {running.login_url}", flush=True)
    print(f"The demo's wallet is in {data_dir.root}.")
    print(f"For a fresh login link, run: {wallet_command(data_dir, 'login')}")
    print("The guided demo panel at the top of each page walks you through it.")
    print("Press Ctrl-C to stop the demo.", flush=True)
    if _has_desktop():
        with contextlib.suppress(webbrowser.Error):
            webbrowser.open(running.login_url)


def _has_desktop() -> bool:
    """Open a browser only where one can show: a display on Linux, always on macOS/Windows."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _no_terminal(prompt: str) -> str:
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase:
        return passphrase
    raise WalletKeyError(f"set {PASSPHRASE_VARIABLE} for the demo wallet")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop
