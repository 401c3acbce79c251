"""`wipe`: delete this computer's wallet after the learner confirms it (issue #16, point 7)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from config.data_dir import DataDir
from config.run_facts import running_facts
from config.wallet_command import wallet_command
from config.wallet_lock import WalletInUse, hold_wallet_lock, wallet_in_use
from ui.cli import exit_codes
from ui.cli.lifecycle import fail
from wallet.wipe import NotAWallet, looks_like_wallet, nested_wallets, wipe_data_dir

CONFIRM_WORD = "delete"

CANNOT_REACH = """\
What this cannot delete, because it is not in the wallet's data dir:
  - backup files you made (`learner-wallet backup`): delete them yourself wherever they
    are, including cloud folders and their trash; anyone with a file and its recovery
    phrase can still bring this wallet back;
  - copies of this wallet restored on other computers;
  - what issuers, verifiers and your mediator keep: the credentials issuers gave you, what
    you showed verifiers, your connections with them, and messages a mediator still holds
    for you. Ask them if you want that removed."""

Ask = Callable[[str], str]


def wipe(data_dir: DataDir, yes: bool, ask: Ask | None = None) -> int:
    if not looks_like_wallet(data_dir):
        return fail(
            f"{data_dir.root} does not look like a Learner Wallet data dir (no wallet.json); "
            "nothing was deleted",
            exit_codes.NO_WALLET,
        )
    running = [w for w in [data_dir, *nested_wallets(data_dir)] if _is_running(w)]
    if running:
        return fail(
            f"the wallet in {running[0].root} is running; stop it first "
            f"({wallet_command(running[0], 'stop')}). Nothing was deleted",
            exit_codes.WALLET_RUNNING,
        )
    if not yes:
        refused = _confirmation_refused(data_dir, ask)
        if refused is not None:
            return refused
    try:
        with hold_wallet_lock(data_dir):  # no `start` may begin while the files go
            outcome = wipe_data_dir(data_dir)
    except WalletInUse as error:
        return fail(f"{error}. Nothing was deleted", exit_codes.WALLET_RUNNING)
    except NotAWallet as error:
        return fail(f"{error}; nothing was deleted", exit_codes.NO_WALLET)
    except OSError as error:
        return fail(
            f"could not delete everything: {error}. The wallet no longer opens; run "
            f"`{wallet_command(data_dir, 'wipe')}` again to finish",
            exit_codes.FAILED,
        )
    if outcome.key_errors:
        print("\n".join(f"error: {message}" for message in outcome.key_errors), file=sys.stderr)
        print(f"The wallet's files are deleted, but not its key. Unlock the keyring and run "
              f"`{wallet_command(data_dir, 'wipe')}` again.", file=sys.stderr)  # fmt: skip
        print(CANNOT_REACH)
        return exit_codes.FAILED
    key = "and its key in the OS keyring " if outcome.keys_removed else ""
    print(f"Deleted the wallet in {data_dir.root} {key}from this computer.")
    print(CANNOT_REACH)
    return exit_codes.OK


def _is_running(data_dir: DataDir) -> bool:
    """Running, or starting (the lock is taken before run.json is written)."""
    return running_facts(data_dir) is not None or wallet_in_use(data_dir)


def _confirmation_refused(data_dir: DataDir, ask: Ask | None) -> int | None:
    """None when the learner typed the word; else the exit code, having deleted nothing."""
    if ask is None:
        if not sys.stdin.isatty():
            return fail(
                "no terminal to confirm on: add --yes to delete the wallet without asking. "
                "Nothing was deleted",
                exit_codes.USAGE,
            )
        ask = input
    print(f"This deletes the wallet in {data_dir.root} from this computer: its credentials,")
    print("connections, history, keys (including the OS keyring entry), settings and logs.")
    print(CANNOT_REACH)
    try:
        typed = ask(f"Type {CONFIRM_WORD} to delete it, anything else to keep it: ")
    except (EOFError, KeyboardInterrupt):
        typed = ""
    if typed.strip().lower() != CONFIRM_WORD:
        print("Nothing was deleted.")
        return exit_codes.NOT_CONFIRMED
    return None
