"""Plain-words sentences for the prompt, kept in one place so the UI says things one way."""

import re
from functools import lru_cache

_PREDICATE_WORDS = {
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "less than",
}

SENSITIVE_STEMS = (
    "birth",
    "address",
    "passport",
    "nationalid",
    "nationalidentity",
    "socialsecurity",
    "personalidentificationnumber",
    "taxid",
    "taxnumber",
    "idcardnumber",
    "driverslicen",
    "ethnic",
    "religio",
    "health",
    "medical",
    "disabilit",
)
SENSITIVE_EXACT = frozenset({"dob", "ssn", "nin", "bsn", "pesel", "gender", "sex", "nationality"})

HIDE_WARNING = (
    "You can send this without revealing the value: the verifier then learns only that "
    "you hold a credential with it, and may refuse the answer."
)
WHOLE_CREDENTIAL = (
    "This credential cannot share only some of its fields: the verifier will see the "
    "whole credential, every field listed here."
)
WHOLE_NOT_LIMITED = (
    "The verifier did not ask for selective disclosure, so the whole credential is "
    "shared, every field listed here."
)
SELECTIVE = (
    "Only the requested fields are shared, plus the credential's id, issuer, issue date "
    "and your subject id, which are always disclosed."
)


@lru_cache(maxsize=4096)  # pure; a prompt names the same few attributes per candidate
def human_name(name: str) -> str:
    """``final_score`` and ``finalScore`` both read as ``final score``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return re.sub(r"[_\s]+", " ", spaced).strip().lower() or name


def predicate_sentence(name: str, p_type: str, p_value: int) -> str:
    """E.g. ``your score is at least 70; the score itself is not shared``."""
    words = human_name(name)
    return f"your {words} is {_PREDICATE_WORDS[p_type]} {p_value}; the {words} itself is not shared"


def predicate_label(name: str, p_type: str, p_value: int) -> str:
    """A compact form for history: ``score >= 70`` (the threshold is the verifier's)."""
    return f"{name} {p_type} {p_value}"


def normalized(name: str) -> str:
    """Case, spaces, dashes and underscores removed, for comparing names loosely."""
    return re.sub(r"[\s_\-.]", "", name).lower()


def is_sensitive(name: str) -> bool:
    """Whether an attribute name suggests data a learner should think twice about."""
    key = normalized(name)
    return key in SENSITIVE_EXACT or any(stem in key for stem in SENSITIVE_STEMS)


def missing_sentence(what: str, guidance: str = "") -> str:
    """What is missing and, in `guidance`, where it could come from (in words, see
    guidance.py: never a bare DID or type URI)."""
    base = f"You have no credential that can show {what}."
    return f"{base} {guidance}" if guidance else base
