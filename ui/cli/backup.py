"""`backup` and `restore`: one encrypted file that brings the whole wallet back (issue #16)."""

from __future__ import annotations

import asyncio
import getpass
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from config.data_dir import DataDir
from config.run_facts import running_facts
from config.wallet_command import script_command, wallet_command
from config.wallet_lock import wallet_in_use
from ui.cli import exit_codes
from ui.cli.lifecycle import fail, read_passphrase
from ui.restore_notes import NOTE_PREFIX, RestoreNote, restore_notes
from ui.web.i18n import catalogue
from wallet.backup.archive import BackupKey, new_backup_key, read_backup_header
from wallet.backup.errors import (
    BackupDamaged,
    BackupError,
    BackupTooNew,
    DiskFull,
    NotABackup,
    TargetNotEmpty,
    WrongBackupSecret,
)
from wallet.backup.files import dated_name, is_backup
from wallet.backup.header import SecretKind
from wallet.backup.manifest import Manifest
from wallet.backup.phrase import (
    PHRASE_WORDS,
    check_new_passphrase,
    check_positions,
    kind_of,
    new_phrase,
    normalize_passphrase,
    normalize_phrase,
    word_matches,
)
from wallet.backup.restore import Restored, check_target, restore_backup
from wallet.backup.saved_key import load_saved_key, save_key
from wallet.backup.snapshot import make_backup
from wallet.controller_store import ControllerStore
from wallet.key_check import check_wallet_key
from wallet.wallet_key import WalletKeyError, WalletSecret, load_key, load_wallet_record

BACKUP_PASSPHRASE_VARIABLE = "LEARNER_WALLET_BACKUP_PASSPHRASE"  # noqa: S105 (a name)

CODE_OF: list[tuple[type[BackupError], int]] = [
    (WrongBackupSecret, exit_codes.WRONG_KEY),
    (NotABackup, exit_codes.BACKUP_DAMAGED),
    (BackupDamaged, exit_codes.BACKUP_DAMAGED),
    (BackupTooNew, exit_codes.BACKUP_TOO_NEW),
    (TargetNotEmpty, exit_codes.DATA_DIR_TAKEN),
    (DiskFull, exit_codes.DISK_FULL),
]


def _failed(error: BackupError, nothing_changed: str) -> int:
    code = next((c for kind, c in CODE_OF if isinstance(error, kind)), exit_codes.FAILED)
    return fail(f"{error}. {nothing_changed}", code)


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise WrongBackupSecret(
            f"no terminal to ask on: set {BACKUP_PASSPHRASE_VARIABLE} for scripts"
        )
    return getpass.getpass(prompt)


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM ends a backup or restore like Ctrl-C: cleanly, with what was half made removed."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- backup -----------------------------------------------------------------------------


def backup(data_dir: DataDir, out: str, new_secret: bool = False) -> int:
    if not data_dir.is_initialized():
        return fail(f"no wallet in {data_dir.root}: nothing to back up", exit_codes.NO_WALLET)
    given = Path(out).expanduser()
    folder = given if out.endswith(("/", os.sep)) else given.parent
    if not folder.is_dir():
        return fail(f"there is no folder {folder.resolve()}; create it first", exit_codes.USAGE)
    target = _output_path(given)
    if target.exists() and not is_backup(target):
        return fail(
            f"{target} exists and is not a Learner Wallet backup; choose another file name",
            exit_codes.USAGE,
        )
    try:
        secret = load_key(data_dir, read_passphrase)
        with _interruptible():
            manifest, told = asyncio.run(_backup(data_dir, secret, target, new_secret))
    except WalletKeyError as error:
        return fail(str(error), exit_codes.WRONG_KEY)
    except BackupError as error:
        return _failed(error, "No backup was written.")
    except KeyboardInterrupt:
        return fail("interrupted; no backup was written", exit_codes.INTERRUPTED)
    _say_written(target, manifest, told)
    return exit_codes.OK


def _output_path(path: Path) -> Path:
    """A dir given as --out gets a dated file name inside it."""
    if path.is_dir():
        return (path / dated_name()).resolve()
    return path.resolve()


async def _backup(
    data_dir: DataDir, secret: WalletSecret, target: Path, new_secret: bool
) -> tuple[Manifest, str]:
    record = load_wallet_record(data_dir)
    await check_wallet_key(data_dir.acapy_wallet_dir(record.wallet_name), secret)
    store = await ControllerStore.open(data_dir, secret)
    try:
        key, told, keep = await _backup_key(store, new_secret)
    finally:
        await store.close()  # closed while the copy is made: see make_backup
    running = running_facts(data_dir) is not None or wallet_in_use(data_dir)
    manifest = await make_backup(data_dir, secret, key, target, running=running)
    if keep:
        store = await ControllerStore.open(data_dir, secret)
        try:
            await save_key(store.store, key)
        finally:
            await store.close()
    return manifest, told


async def _backup_key(store: ControllerStore, new_secret: bool) -> tuple[BackupKey, str, bool]:
    """The key for this file, how the learner was told about it, and whether to keep it."""
    given = os.environ.get(BACKUP_PASSPHRASE_VARIABLE)
    if given:
        kind = kind_of(given)
        text = normalize_phrase(given) if kind == "phrase" else check_new_passphrase(given)
        return new_backup_key(text, kind), f"the secret in {BACKUP_PASSPHRASE_VARIABLE}", False
    saved = None if new_secret else await load_saved_key(store.store)
    if saved is not None:
        return saved, _described(saved.kind, again=True), False
    kind, text = _choose_secret(_ask, input)
    return new_backup_key(text, kind), _described(kind, again=False), True


def _described(kind: SecretKind, *, again: bool) -> str:
    if kind == "phrase":
        return "the recovery phrase" + (" (the 12 words of the first backup)" if again else "")
    return "your backup passphrase"


def _choose_secret(
    ask_hidden: Callable[[str], str], ask: Callable[[str], str]
) -> tuple[SecretKind, str]:
    """First backup: show a new recovery phrase once (confirmed), or take a passphrase."""
    if not sys.stdin.isatty():
        raise WrongBackupSecret(
            f"no terminal to show a recovery phrase on: set {BACKUP_PASSPHRASE_VARIABLE} "
            "for scripts"
        )
    print("This backup is protected by a recovery phrase: 12 words. Anyone who has the")
    print("file and the words can open it; without the words nobody can, not even you.")
    answer = ask("Press Enter for a recovery phrase (recommended), or type p for a passphrase: ")
    if answer.strip().lower() == "p":
        first = ask_hidden("Choose a backup passphrase (at least 10 characters): ")
        if ask_hidden("Repeat it: ") != first:
            raise WrongBackupSecret("the two passphrases differ")
        return "passphrase", check_new_passphrase(first)
    phrase = new_phrase()
    words = phrase.split()
    print("\nYour recovery phrase (write it on paper now; it is shown only this once):\n")
    for row in range(0, PHRASE_WORDS, 4):
        print("   " + "".join(f"{n + 1:>2}. {words[n]:<12}" for n in range(row, row + 4)))
    print("\nLater backups use the same phrase without showing it again.")
    for position in check_positions():
        if not word_matches(
            phrase, position, ask(f"To check you wrote it down, type word {position}: ")
        ):
            raise WrongBackupSecret(
                f"word {position} does not match; the phrase was not kept. Run the backup "
                "again: it shows a new phrase"
            )
    return "phrase", phrase


def _say_written(target: Path, manifest: Manifest, told: str) -> None:
    size = target.stat().st_size
    print(f"Backup written to {target} ({size / 1e6:.1f} MB).")
    print("It holds the wallet's keys, connections, credentials, history and settings.")
    print(f"It opens only with {told}: keep that safe, and apart from the file.")
    if manifest.source.running:
        print("The wallet was running: the backup holds everything it had stored until now.")
    restore = f"{script_command()} --data-dir NEW-DIR restore {shlex.quote(str(target))}"
    print(f"To restore it (on this or another computer, into a new NEW-DIR): {restore}")


# --- restore ----------------------------------------------------------------------------


def restore(data_dir: DataDir, file: str) -> int:
    path = Path(file).expanduser().resolve()
    if not path.is_file():
        return fail(f"there is no file {path}", exit_codes.USAGE)
    nothing = f"Nothing was changed: {path} and {data_dir.root} are as they were."
    try:
        header = read_backup_header(path)
        check_target(data_dir)
        text = os.environ.get(BACKUP_PASSPHRASE_VARIABLE) or _ask(_prompt_for(header.fields.secret))
        text = normalize_passphrase(text)
        with _interruptible():
            restored = asyncio.run(restore_backup(path, data_dir, text, read_passphrase))
    except BackupError as error:
        return _failed(error, nothing)
    except WalletKeyError as error:
        return fail(f"{error}. {nothing}", exit_codes.WRONG_KEY)
    except KeyboardInterrupt:
        return fail(f"interrupted. {nothing}", exit_codes.INTERRUPTED)
    _say_restored(data_dir, restored)
    return exit_codes.OK


def _prompt_for(kind: SecretKind) -> str:
    if kind == "phrase":
        return f"Recovery phrase ({PHRASE_WORDS} words, separated by spaces): "
    return "Backup passphrase: "


def _say_restored(data_dir: DataDir, restored: Restored) -> None:
    source = restored.manifest.source
    when = restored.manifest.created.astimezone().strftime("%Y-%m-%d %H:%M")
    key = (
        "its new key is kept in the OS keyring"
        if restored.key_storage == "keyring"
        else "it opens with the new passphrase you chose"
    )
    print(f"Restored the wallet backed up on {when} (from {source.host}) into {data_dir.root};")
    print(f"{key}. Every part was checked against the backup's hashes.")
    for leftover in restored.removed_leftovers:
        print(f"Removed what an interrupted restore had left: {leftover}")
    for note in restore_notes(data_dir, restored):
        print(_worded(note))
    print(f"Next: {wallet_command(data_dir, 'start')}")


def _worded(note: RestoreNote) -> str:
    """A note in the terminal's words (English), a warning marked as one."""
    text = catalogue("en").text(NOTE_PREFIX + note.key, **note.params)
    return f"warning: {text}" if note.warning else text
