"""One `learner-wallet start`, in phases on one UI port with one browser session:

- the welcome (ui/web/welcome/) while the data dir holds no wallet and a welcome is wanted;
- the wallet (`run_wallet`) once one exists;
- after Delete everything in Settings: the wallet stops cleanly, is deleted with
  `wallet/wipe.py`, and the welcome comes back with how that went.

Ctrl-C or SIGTERM ends whichever phase runs, and the whole `start`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from agent.ports import port_or_free
from config.data_dir import DataDir
from config.settings import load_settings
from config.wallet_lock import WalletInUse, hold_wallet_lock
from ui.cli.logs import add_file_log
from ui.head_start import HeadStart
from ui.runtime import RunningWallet, run_wallet
from ui.web.handover import BrowserHandover
from ui.web.welcome import WipeNotice, run_welcome
from wallet.wallet_key import PassphraseReader, WalletSecret, load_key, load_wallet_record
from wallet.wipe import NotAWallet, WipeOutcome, wipe_data_dir

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartTalk:
    """How `start` speaks to the terminal in each phase."""

    welcome: Callable[[str, str], None]  # UI address, one-time login link
    wallet: Callable[[RunningWallet], None]
    wiped: Callable[[WipeOutcome | None, WipeNotice], None]


async def run_start(
    data_dir: DataDir,
    talk: StartTalk,
    read_passphrase: PassphraseReader,
    secret: WalletSecret | None,
    welcome: bool,
    head: HeadStart | None = None,
) -> None:
    """Run until stopped; errors of the wallet's start (key, port, settings) propagate.

    `secret` opens an existing wallet (asked for before the loop runs, where Ctrl-C still
    works); `welcome` says whether a data dir without a wallet gets the welcome; `head`,
    that wallet's ACA-Py already launched (`ui/head_start.py`), undone if never used.
    """
    try:
        await _run_phases(data_dir, talk, read_passphrase, secret, welcome, head)
    finally:
        if head is not None and not head.taken:
            await head.abandon()


async def _run_phases(
    data_dir: DataDir,
    talk: StartTalk,
    read_passphrase: PassphraseReader,
    secret: WalletSecret | None,
    welcome: bool,
    head: HeadStart | None,
) -> None:
    settings = load_settings(data_dir.config_file)
    handover = BrowserHandover(port=port_or_free(settings.ui_port, "LEARNER_WALLET_UI_PORT"))
    shutdown = _stop_on_signals(handover)
    notice: WipeNotice | None = None
    typed: str | None = None  # a passphrase just chosen in the welcome: not asked again
    while not shutdown.is_set():
        if notice is not None or (welcome and not data_dir.is_initialized()):
            _no_file_log_in(data_dir)
            outcome = await run_welcome(data_dir, handover, talk.welcome, notice)
            if outcome is None or shutdown.is_set():
                return
            typed, notice = outcome.passphrase, None
            add_file_log(data_dir)
            handover.next_phase()
        if head is not None:  # the first phase of a `start` that launched ACA-Py early
            settings, record, secret = head.settings, head.record, head.secret
        else:
            settings = load_settings(data_dir.config_file)
            record = load_wallet_record(data_dir)
        if secret is None:
            secret = load_key(data_dir, _typed_or_asked(typed, read_passphrase))
        typed = None
        await run_wallet(
            data_dir,
            settings,
            record,
            secret,
            talk.wallet,
            handover.stop,
            handover=handover,
            head=head,
        )
        secret, head = None, None
        if not handover.wipe_requested or shutdown.is_set():
            return
        notice = _wipe(data_dir, talk)
        handover.next_phase()


def _typed_or_asked(typed: str | None, ask: PassphraseReader) -> PassphraseReader:
    """The passphrase chosen in the welcome a moment ago, else the terminal's."""
    if typed is None:
        return ask
    return lambda _prompt: typed


def _wipe(data_dir: DataDir, talk: StartTalk) -> WipeNotice:
    """The same wipe as `learner-wallet wipe`, under the data dir's lock, once all stopped."""
    _no_file_log_in(data_dir)
    outcome = None
    try:
        with hold_wallet_lock(data_dir):
            outcome = wipe_data_dir(data_dir)
    except WalletInUse:
        notice = WipeNotice(done=False, problem="in_use")
    except NotAWallet:
        notice = WipeNotice(done=True)  # nothing was left to delete
    except OSError as error:
        notice = WipeNotice(done=False, problem="files", params={"problem": str(error)})
    else:
        if outcome.key_errors:
            params = {"problem": "; ".join(outcome.key_errors)}
            notice = WipeNotice(done=False, problem="keyring", params=params)
        else:
            notice = WipeNotice(done=True)
    talk.wiped(outcome, notice)
    return notice


def _no_file_log_in(data_dir: DataDir) -> None:
    """Log to the terminal only while the data dir holds no wallet (or is being deleted).

    A restore needs an empty data dir: a log file `start` opened there on its way in, in a
    dir that holds nothing else, is closed and removed.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        name = getattr(handler, "baseFilename", "")
        if name and Path(name).is_relative_to(data_dir.root):
            root.removeHandler(handler)
            handler.close()
    if data_dir.is_initialized() or not data_dir.root.is_dir():
        return
    if {child.name for child in data_dir.root.iterdir()} == {data_dir.logs.name}:
        with contextlib.suppress(OSError):
            shutil.rmtree(data_dir.logs)


def _stop_on_signals(handover: BrowserHandover) -> asyncio.Event:
    """Ctrl-C and SIGTERM end the running phase (whichever `handover.stop` is now) and `start`."""
    shutdown = asyncio.Event()

    def stop() -> None:
        shutdown.set()
        handover.stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop)
    return shutdown
