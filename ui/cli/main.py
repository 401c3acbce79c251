"""`learner-wallet`: the command line. Each command lives in its own small function."""

from __future__ import annotations

import argparse
import sys

from config.data_dir import (
    HOME_VARIABLE,
    DataDir,
    default_data_dir,
    demo_data_dir,
    resolve_data_dir,
)
from ui.cli.backup_args import add_backup_commands
from ui.cli.exit_codes import MEANINGS
from ui.cli.logs import configure_logging
from wallet.credentials.release import limit_malloc_arenas

DESCRIPTION = """\
Learner Wallet keeps your learning credentials (badges, micro-credentials, certificates)
on your own computer. Issuers send them over DIDComm; verifiers ask for proof, and nothing
is shared until you approve it."""


def _exit_code_lines(width: int = 90) -> list[str]:
    """`Exit codes: 0 ok, 1 failed, …` wrapped so that no code is parted from its meaning."""
    lines = ["Exit codes:"]
    last = len(MEANINGS) - 1
    for index, (code, meaning) in enumerate(MEANINGS.items()):
        item = f"{code} {meaning}" + ("." if index == last else ",")
        if len(lines[-1]) + 1 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] += " " + item
    return lines


EPILOG = f"""\
The data dir is --data-dir, else ${HOME_VARIABLE}, else your platform's user data dir
({default_data_dir().root}); `demo` uses {demo_data_dir().root}
unless --data-dir is given.
Settings: <data dir>/config.toml and LEARNER_WALLET_* variables (see README.md).
""" + "\n".join(_exit_code_lines())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="learner-wallet",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", help="where this wallet lives (default: see below)")
    parser.add_argument("-v", "--verbose", action="store_true", help="say more, log more")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "init", help="create a new wallet: key in the OS keyring (or a passphrase), DIDs"
    )
    commands.add_parser("start", help="run the wallet and print the address of its UI")
    commands.add_parser("stop", help="stop a wallet started with `start` in another terminal")
    commands.add_parser("status", help="say whether the wallet runs, and where")
    commands.add_parser("login", help="print a fresh login link for the running wallet's UI")
    demo_cmd = commands.add_parser(
        "demo", help="a guided demo: a university, an employer and a fresh demo wallet"
    )
    demo_cmd.add_argument(
        "--auto", action="store_true", help="play the whole story without a person, then exit"
    )
    demo_cmd.add_argument(
        "--delivery",
        choices=("pickup", "direct"),
        default="pickup",
        help="pickup (default): the wallet receives through a mediator the demo runs, as at "
        "home behind a router; direct: peers send straight to the wallet",
    )
    connect_cmd = commands.add_parser(
        "connect", help="accept an invitation (link, short link or JSON) in the running wallet"
    )
    connect_cmd.add_argument(
        "invitation", help="the invitation URL (?oob= or ?c_i=), a short link, or its JSON"
    )
    connect_cmd.add_argument("--alias", help="your own name for this connection")
    add_backup_commands(commands)
    wipe_cmd = commands.add_parser(
        "wipe", help="delete this wallet from this computer (asks you to confirm first)"
    )
    wipe_cmd.add_argument(
        "--data-dir", dest="target_dir", metavar="DIR", help="the data dir to wipe"
    )
    wipe_cmd.add_argument(
        "--yes", action="store_true", help="do not ask: for scripts, where no one can type"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    limit_malloc_arenas()  # before Askar or any other thread allocates
    args = build_parser().parse_args(argv)
    data_dir = DataDir(resolve_data_dir(args.data_dir))
    if args.command == "demo" and not args.data_dir:
        data_dir = demo_data_dir()
    if args.command in ("restore", "wipe") and args.target_dir:
        data_dir = DataDir(resolve_data_dir(args.target_dir))
    # `init` and `restore` must leave an existing dir untouched, log file included; `wipe`
    # must not write into the dir it deletes.
    logs_here = args.command not in ("init", "restore", "wipe")
    configure_logging(data_dir if logs_here else None, args.verbose)
    return run_command(args, data_dir)


def run_command(args: argparse.Namespace, data_dir: DataDir) -> int:
    """Each command imports only its own module: `start` launches ACA-Py sooner when it
    need not load backup and restore first (issue #20)."""
    if args.command in ("init", "start", "demo"):
        from ui.cli import lifecycle

        if args.command == "demo":
            return lifecycle.demo(data_dir, args.auto, args.delivery)
        return lifecycle.init(data_dir) if args.command == "init" else lifecycle.start(data_dir)
    if args.command == "connect":
        from ui.cli import connect

        return connect.connect(data_dir, args.invitation, args.alias)
    if args.command in ("backup", "restore"):
        from ui.cli import backup

        if args.command == "backup":
            return backup.backup(data_dir, args.out, args.new_phrase)
        return backup.restore(data_dir, args.file)
    if args.command == "wipe":
        from ui.cli import wipe

        return wipe.wipe(data_dir, args.yes)
    from ui.cli import control

    handlers = {"stop": control.stop, "status": control.status, "login": control.login}
    return handlers[args.command](data_dir)


if __name__ == "__main__":
    sys.exit(main())
