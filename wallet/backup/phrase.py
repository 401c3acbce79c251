"""The recovery phrase: 12 words from the BIP-39 English list (128 bits), or a passphrase.

Both are normalized before Argon2id, so "Zoo  Federal…" typed on another keyboard or
system (other spacing, capitals, Unicode form) gives the same key.
"""

from __future__ import annotations

import secrets
import unicodedata

from mnemonic import Mnemonic

from wallet.backup.errors import WrongBackupSecret
from wallet.backup.header import SecretKind

PHRASE_BITS = 128  # 12 words
PHRASE_WORDS = 12
MIN_PASSPHRASE_LENGTH = 10
CHECKED_WORDS = 2  # asked back after the phrase is shown, to know it was written down
_WORDS = Mnemonic("english")


def new_phrase() -> str:
    return str(_WORDS.generate(PHRASE_BITS))


def check_positions() -> list[int]:
    """Which words (1-based) the learner types back, chosen at random each time."""
    return sorted(secrets.SystemRandom().sample(range(1, PHRASE_WORDS + 1), CHECKED_WORDS))


def word_matches(phrase: str, position: int, answer: str) -> bool:
    return normalize_phrase(answer) == phrase.split()[position - 1]


def kind_of(secret: str) -> SecretKind:
    """A phrase when the text is a whole, valid BIP-39 phrase; anything else is a passphrase."""
    words = normalize_phrase(secret).split()
    if len(words) in (12, 15, 18, 21, 24) and _WORDS.check(" ".join(words)):
        return "phrase"
    return "passphrase"


def normalize_phrase(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKD", text).lower().split())


def normalize_passphrase(text: str) -> str:
    return unicodedata.normalize("NFKD", text)


def phrase_for_key(text: str) -> str:
    """The words as they enter the KDF; a mistyped word is named before the slow KDF runs."""
    phrase = normalize_phrase(text)
    words = phrase.split()
    known = set(_WORDS.wordlist)
    for position, word in enumerate(words, start=1):
        if word not in known:
            raise WrongBackupSecret(
                f"word {position} (“{word}”) is not one of the recovery phrase words: "
                "check its spelling"
            )
    if len(words) != PHRASE_WORDS:
        raise WrongBackupSecret(
            f"the recovery phrase has {PHRASE_WORDS} words; {len(words)} were given"
        )
    if not _WORDS.check(phrase):
        raise WrongBackupSecret(
            "the words do not fit together: one of them is mistyped or they are out of order"
        )
    return phrase


def secret_for_key(text: str, kind: SecretKind) -> str:
    if kind == "phrase":
        return phrase_for_key(text)
    if not text:
        raise WrongBackupSecret("no passphrase was given")
    return normalize_passphrase(text)


def check_new_passphrase(text: str) -> str:
    """A passphrase the learner chooses protects a file that may sit in a cloud folder."""
    if len(text) < MIN_PASSPHRASE_LENGTH:
        raise WrongBackupSecret(
            f"the backup passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters; "
            "a recovery phrase (the default) is stronger"
        )
    return normalize_passphrase(text)
