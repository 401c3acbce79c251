"""Plain-words sentences for the prompt, kept in one place so the UI says things one way.

Each sentence the engine says is a `Words`: a catalogue key and its values. Screens say it
in the learner's language from `ui/web/i18n`; the English here is what the JSON API keeps
(`sentence`, `reasons`, `errors`, ...) and must equal the English catalogue's (a test
checks both catalogues against `ENGLISH`).
"""

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

# Values named `field` are attribute names: English says them as words (`human_name`),
# screens as the field's label in the learner's language.
FIELD_PARAMS = frozenset({"field"})
ENGLISH: dict[str, str] = {
    "consent.engine.revoked": "this credential has been revoked",
    "consent.engine.expired": "this credential expired on {date}",
    "consent.engine.not_yet_valid": "this credential is not valid yet",
    "consent.engine.cannot_select": (
        "the verifier wants only some fields shared, which this credential's signature cannot do"
    ),
    "consent.engine.signature_not_accepted": (
        "the verifier does not accept this credential's kind of signature"
    ),
    "consent.engine.not_bound": (
        "this credential is not bound to a DID of yours, so it cannot be presented"
    ),
    "consent.engine.not_whole_number": (
        "your {field} here is not a whole number, so it cannot be proven this way"
    ),
    "consent.engine.condition_not_met": "your {field} here ({value}) does not meet the condition",
    "consent.engine.statement.selective": (
        "Only the requested fields are shared, plus the credential's id, issuer, issue date "
        "and your subject id, which are always disclosed."
    ),
    "consent.engine.statement.whole": (
        "This credential cannot share only some of its fields: the verifier will see the "
        "whole credential, every field listed here."
    ),
    "consent.engine.statement.whole_not_limited": (
        "The verifier did not ask for selective disclosure, so the whole credential is "
        "shared, every field listed here."
    ),
    "consent.engine.hide_warning": (
        "You can send this without revealing the value: the verifier then learns only that "
        "you hold a credential with it, and may refuse the answer."
    ),
    "consent.engine.pick_rule": (
        "The verifier needs more of the credentials in '{group}' than you hold."
    ),
    "consent.engine.truncated": (
        "This wallet holds more W3C credentials than its agent lists at once ({n}), "
        "so some that fit this request may not be offered here."
    ),
    "consent.engine.refused.unreadable": (
        "This proof request contains no request the wallet can read."
    ),
    "consent.engine.refused.unknown_format": (
        "This proof request uses a format this wallet does not support ({formats})."
    ),
    "consent.engine.refused.malformed": (
        "This proof request is malformed; the wallet cannot answer it."
    ),
    "consent.engine.refused.empty": "This proof request does not ask for anything.",
    "consent.engine.refused.too_many_items": (
        "This proof request asks for {count} items; the wallet answers at most {limit}. It "
        "looks like an attempt to collect everything you hold."
    ),
    "consent.engine.refused.reused_ids": "This proof request uses the same name for two parts.",
    "consent.engine.refused.too_many_names": (
        "This proof request names {count} attributes; the wallet answers at most {limit}."
    ),
    "consent.engine.refused.bad_name": "This proof request contains an unreadable attribute name.",
    "consent.engine.refused.dif_format": (
        "The verifier asks for a credential format this wallet does not support ({formats})."
    ),
    "consent.engine.refused.proof_types": (
        "The verifier accepts only kinds of signature this wallet cannot produce."
    ),
    "consent.engine.refused.repeated_part": "This proof request repeats the name of one part.",
    "consent.engine.refused.selective_without_bbs": (
        "The verifier asks to see only some fields of '{part}' but does not accept BBS+ "
        "proofs, the only kind that can hide the others."
    ),
    "consent.engine.refused.too_many_fields": "One part of this request lists {count} fields.",
    "consent.engine.refused.no_path": "A requested field does not say where it is.",
    "consent.engine.refused.bad_path": (
        "This proof request names a field in a way this wallet does not read."
    ),
    "consent.engine.refused.asks_for_proof": ("The verifier asks for a credential's proof itself."),
    "consent.engine.refused.pattern": "A field filter uses a pattern this wallet will not run.",
    "consent.engine.refused.bad_pattern": "A field filter uses an invalid pattern.",
    "consent.engine.refused.nested_rules": (
        "This proof request combines its parts in a way this wallet does not support."
    ),
    "consent.engine.refused.unknown_group": (
        "This proof request refers to a group of parts that does not exist."
    ),
}


class Words(BaseModel):
    """A sentence as its catalogue key and values; `detail` is a technical addition (a
    path, a parser's message) that screens fold under technical details."""

    model_config = ConfigDict(frozen=True)

    key: str
    params: dict[str, str | int] = Field(default_factory=dict)
    detail: str | None = None

    @property
    def english(self) -> str:
        """The sentence in English, as the JSON API says it (detail in brackets)."""
        values = {
            name: human_name(str(value)) if name in FIELD_PARAMS else value
            for name, value in self.params.items()
        }
        text = ENGLISH[self.key].format(**values)
        return f"{text} ({self.detail})" if self.detail else text


def say(key: str, detail: str | None = None, **params: str | int) -> Words:
    """The sentence `key` with its values; a key the catalogues lack fails at once."""
    if key not in ENGLISH:
        raise KeyError(key)
    return Words(key=key, params=params, detail=detail)


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

HIDE_WARNING = ENGLISH["consent.engine.hide_warning"]
WHOLE_CREDENTIAL = say("consent.engine.statement.whole")
WHOLE_NOT_LIMITED = say("consent.engine.statement.whole_not_limited")
SELECTIVE = say("consent.engine.statement.selective")


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
