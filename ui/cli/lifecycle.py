"""`init`, `start` and `demo`: create a wallet and run it in the foreground."""

from __future__ import annotations

import asyncio
import functools
import getpass
import os
import sys
from typing import TYPE_CHECKING

from agent.ports import PortInUseError
from agent.process import AcaPyStartError
from config.data_dir import DataDir
from config.settings import Delivery, SettingsError, load_settings
from config.wallet_command import wallet_command
from config.wallet_lock import WalletInUse
from ui.cli import exit_codes
from wallet.provision import WalletExistsError, init_wallet
from wallet.wallet_key import (
    PASSPHRASE_VARIABLE,
    WalletKeyError,
    WalletSecret,
    load_key,
    load_wallet_record,
)

if TYPE_CHECKING:  # the web runtime loads only for `start`: backup, stop, status stay quick
    from ui.runtime import RunningWallet
    from ui.web.welcome import WipeNotice
    from wallet.wipe import WipeOutcome

WELCOME_VARIABLE = "LEARNER_WALLET_WELCOME"


def read_passphrase(prompt: str) -> str:
    """The wallet's passphrase from the terminal (never from the command line)."""
    if not sys.stdin.isatty():
        raise WalletKeyError(
            f"no OS keyring and no terminal to ask for a passphrase: set {PASSPHRASE_VARIABLE}"
        )
    return getpass.getpass(prompt)


def fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def init(data_dir: DataDir) -> int:
    try:
        record = asyncio.run(init_wallet(data_dir, read_passphrase))
    except WalletExistsError as error:
        return fail(str(error), exit_codes.DATA_DIR_TAKEN)
    except WalletKeyError as error:
        return fail(str(error), exit_codes.WRONG_KEY)
    except SettingsError as error:
        return fail(str(error), exit_codes.BAD_SETTINGS)
    key = (
        "the key is kept in the OS keyring"
        if record.key_storage == "keyring"
        else "the key comes from your passphrase"
    )
    print(f"Created a wallet in {data_dir.root} ({key}).")
    print(f"Next: {wallet_command(data_dir, 'start')}")
    return exit_codes.OK


def welcome_wanted() -> bool:
    """Whether `start` without a wallet shows the welcome (ui/web/welcome/) or fails.

    At a terminal a person can open the printed link, so it does; scripts and tests keep
    the plain answer (exit code NO_WALLET) unless LEARNER_WALLET_WELCOME=1 asks for it
    (and LEARNER_WALLET_WELCOME=0 turns it off at a terminal too).
    """
    chosen = os.environ.get(WELCOME_VARIABLE, "").strip().lower()
    if chosen in ("1", "yes", "true", "on"):
        return True
    if chosen in ("0", "no", "false", "off"):
        return False
    return sys.stdin.isatty()


def start(data_dir: DataDir) -> int:
    if data_dir.wipe_marker.exists():
        return fail(
            f"deleting the wallet in {data_dir.root} was interrupted; finish it with "
            f"`{wallet_command(data_dir, 'wipe')}`",
            exit_codes.NO_WALLET,
        )
    welcome = welcome_wanted()
    secret = None
    try:
        load_settings(data_dir.config_file)
        if data_dir.is_initialized() or not welcome:
            secret = load_key(data_dir, read_passphrase)
    except SettingsError as error:
        return fail(str(error), exit_codes.BAD_SETTINGS)
    except WalletKeyError as error:
        code = exit_codes.NO_WALLET if not data_dir.is_initialized() else exit_codes.WRONG_KEY
        return fail(str(error), code)
    try:
        asyncio.run(_run_start(data_dir, secret, welcome))
    except WalletKeyError as error:
        return fail(str(error), exit_codes.WRONG_KEY)
    except WalletInUse as error:
        return fail(str(error), exit_codes.WALLET_RUNNING)
    except PortInUseError as error:
        return fail(str(error), exit_codes.PORT_IN_USE)
    except SettingsError as error:  # e.g. a broken trust list file, read at start-up
        return fail(str(error), exit_codes.BAD_SETTINGS)
    except AcaPyStartError as error:
        return fail(f"the wallet's agent did not start: {error}", exit_codes.FAILED)
    print("Learner Wallet stopped.")
    return exit_codes.OK


async def _run_start(data_dir: DataDir, secret: WalletSecret | None, welcome: bool) -> None:
    """Launch an existing wallet's ACA-Py first, then import the web app while it starts."""
    head = None
    if secret is not None and data_dir.is_initialized():
        from ui.head_start import head_start

        settings = load_settings(data_dir.config_file)
        head = await head_start(data_dir, settings, load_wallet_record(data_dir), secret)
    try:
        from ui.start_phases import StartTalk, run_start  # the web app: a second or so
    except BaseException:
        if head is not None:
            await head.abandon()
        raise
    talk = StartTalk(
        welcome=functools.partial(_announce_welcome, data_dir),
        wallet=functools.partial(_announce, data_dir),
        wiped=functools.partial(_say_wiped, data_dir),
    )
    await run_start(data_dir, talk, read_passphrase, secret, welcome, head)


def _announce(data_dir: DataDir, running: RunningWallet) -> None:
    print(f"Learner Wallet is running at {running.ui_url}", flush=True)
    print(f"Open this link to log in (it works once): {running.login_url}", flush=True)
    print(f"For a fresh login link, run: {wallet_command(data_dir, 'login')}", flush=True)
    print(f"Press Ctrl-C to stop, or run: {wallet_command(data_dir, 'stop')}", flush=True)


def _announce_welcome(data_dir: DataDir, ui_url: str, login_url: str) -> None:
    print(f"There is no wallet in {data_dir.root} yet.", flush=True)
    print(f"Learner Wallet is running at {ui_url}", flush=True)
    print(f"Open this link to log in (it works once): {login_url}", flush=True)
    print("There you can start a new wallet or restore one from a backup.", flush=True)
    print("Press Ctrl-C to stop.", flush=True)


def _say_wiped(data_dir: DataDir, outcome: WipeOutcome | None, notice: WipeNotice) -> None:
    from ui.cli.wipe import CANNOT_REACH  # ui.cli.wipe imports this module

    if notice.done:
        key = "and its key in the OS keyring " if outcome and outcome.keys_removed else ""
        print(f"Deleted the wallet in {data_dir.root} {key}from this computer.", flush=True)
        print(CANNOT_REACH, flush=True)
    elif notice.problem == "in_use":
        print(
            f"error: another program was using the wallet in {data_dir.root}, so nothing was "
            "deleted. Stop this program, then start it again or run "
            f"`{wallet_command(data_dir, 'wipe')}`.",
            file=sys.stderr,
            flush=True,
        )
    else:
        print(
            f"error: the wallet in {data_dir.root} was not deleted completely "
            f"({notice.params.get('problem', notice.problem)}). Stop this program, then run "
            f"`{wallet_command(data_dir, 'wipe')}` to finish.",
            file=sys.stderr,
            flush=True,
        )


def demo(data_dir: DataDir, auto: bool = False, delivery: Delivery = "pickup") -> int:
    """The guided demo (issue #7) lives in ui/cli/demo.py."""
    from ui.cli.demo import demo as run_guided_demo  # peers load only for the demo

    return run_guided_demo(data_dir, auto, delivery)
