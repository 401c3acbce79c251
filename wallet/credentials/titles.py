"""A credential type in words, said one way on every screen (offer, credential, prompt).

`PermanentResident` once read `PermanentResident`, `Permanent Resident` and `permanent
resident` on three screens; this is the one place that turns a type into words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Types every credential of a family carries: they say nothing about this one.
GENERIC_TYPES = frozenset({"VerifiableCredential", "VerifiableAchievementCredential"})
# Types with a name of their own, as their community writes it.
NAMED_TYPES = {
    "OpenBadgeCredential": "Open Badge",
    "AchievementCredential": "Open Badge",
    "MicroCredential": "Micro-credential",
}
# What a credential is called when nothing names it (screens say these in their language).
UNTITLED_ANONCREDS = "AnonCreds credential"
UNTITLED_W3C = "Verifiable credential"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=1024)
def type_words(name: str) -> str:
    """`PermanentResident` -> "Permanent resident" (a URI's last word, too)."""
    tail = name.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    if tail in NAMED_TYPES:
        return NAMED_TYPES[tail]
    words = re.sub(r"[_\s\-]+", " ", _CAMEL.sub(" ", tail)).strip().lower()
    return (words[:1].upper() + words[1:]) if words else name


def type_title(types: Iterable[object]) -> str:
    """The most specific type in words, else "Verifiable credential"."""
    specific = [str(kind) for kind in types if str(kind) not in GENERIC_TYPES]
    return type_words(specific[-1]) if specific else UNTITLED_W3C
