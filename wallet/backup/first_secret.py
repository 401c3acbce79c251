"""Choosing the backup secret in the browser: a recovery phrase shown once, or a passphrase.

The phrase waits here, in memory only, until two of its words come back; then the key is
derived (Argon2id, in a worker thread) and saved, and the words are forgotten. A wrong word
drops the phrase, as the command line does: the learner starts again with a new one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from aries_askar import Store

from wallet.backup.archive import BackupKey, new_backup_key
from wallet.backup.crypto import KdfCost
from wallet.backup.errors import BackupError, WrongBackupSecret
from wallet.backup.header import SecretKind
from wallet.backup.phrase import check_new_passphrase, check_positions, new_phrase, word_matches
from wallet.backup.saved_key import save_key

PHRASE_LIFETIME = 3600.0  # seconds a shown phrase waits for its check


class NoPhraseWaiting(BackupError):
    """No phrase was shown, or it expired or was dropped: show a new one."""


class WordsDiffer(WrongBackupSecret):
    """A word typed back is not the word shown; the phrase was dropped."""


class PassphrasesDiffer(WrongBackupSecret):
    """The passphrase and its repetition differ."""


class PassphraseTooShort(WrongBackupSecret):
    """Shorter than the command line accepts (phrase.MIN_PASSPHRASE_LENGTH)."""


@dataclass
class _Shown:
    phrase: str = field(repr=False)
    positions: list[int]
    shown_at: float


class SecretSetup:
    """The one phrase waiting for its check; showing another replaces it."""

    def __init__(self, cost: KdfCost | None = None) -> None:
        self._shown: _Shown | None = None
        self._cost = cost

    def show_phrase(self) -> tuple[list[str], list[int]]:
        """A new phrase's words and the positions (1-based) to type back."""
        phrase = new_phrase()
        self._shown = _Shown(phrase, check_positions(), time.monotonic())
        return phrase.split(), self._shown.positions

    @property
    def waiting(self) -> list[int] | None:
        """The positions asked for while a phrase waits, else None."""
        shown = self._current()
        return shown.positions if shown else None

    async def confirm_phrase(self, store: Store, answers: dict[int, str]) -> BackupKey:
        shown = self._current()
        if shown is None:
            raise NoPhraseWaiting("no recovery phrase is waiting to be checked")
        self._shown = None  # one try, as on the command line
        if sorted(answers) != shown.positions or not all(
            word_matches(shown.phrase, position, answers[position]) for position in shown.positions
        ):
            raise WordsDiffer("the words do not match; the phrase was not kept")
        return await self._keep(store, shown.phrase, "phrase")

    async def choose_passphrase(self, store: Store, passphrase: str, repeat: str) -> BackupKey:
        if passphrase != repeat:
            raise PassphrasesDiffer("the two passphrases differ")
        try:
            text = check_new_passphrase(passphrase)
        except WrongBackupSecret as error:
            raise PassphraseTooShort(str(error)) from None
        self._shown = None
        return await self._keep(store, text, "passphrase")

    async def _keep(self, store: Store, text: str, kind: SecretKind) -> BackupKey:
        key = await asyncio.to_thread(new_backup_key, text, kind, self._cost)
        await save_key(store, key)
        return key

    def _current(self) -> _Shown | None:
        shown = self._shown
        if shown is not None and time.monotonic() - shown.shown_at > PHRASE_LIFETIME:
            self._shown = None
            return None
        return shown
