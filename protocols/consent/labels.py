"""Field names as a learner reads them: `credentialSubject.courseTitle` is "Course title".

Issuers name fields in code (`course_title`, `achievement.criteria.narrative`); screens show
a label instead and keep the name itself as a technical detail. Well-known fields have a
catalogue key (`field.<id>`), so they read in the learner's language; any other name is
turned into words (`finalScore` -> "Final score"), as an issuer's own term.
"""

from __future__ import annotations

import re
from functools import lru_cache

SUBJECT = "credentialSubject"
_INDEX = re.compile(r"\[[^\]]*\]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Field paths (without `credentialSubject.`, indices dropped, each part lower case without
# `_` or `-`) -> the label's id; the longest known tail of a path wins.
KNOWN: dict[str, str] = {
    "id": "credential_id",
    "type": "credential_type",
    "issuer": "issuer",
    "issuer.id": "issuer",
    "issuer.name": "issuer_name",
    "issuer.type": "issuer_type",
    "issuancedate": "issue_date",
    "validfrom": "issue_date",
    "expirationdate": "expiry_date",
    "validuntil": "expiry_date",
    "name": "name",
    "givenname": "given_name",
    "firstname": "given_name",
    "familyname": "family_name",
    "lastname": "family_name",
    "learnername": "learner_name",
    "coursetitle": "course_title",
    "provider": "provider",
    "score": "score",
    "grade": "grade",
    "completiondate": "completion_date",
    "credits": "credits",
    "level": "level",
    "description": "description",
    "achievement": "achievement",
    "achievement.id": "achievement_id",
    "achievement.type": "achievement_type",
    "achievement.name": "achievement_name",
    "achievement.description": "achievement_description",
    "criteria.narrative": "criteria",
    "image": "image",
    "email": "email",
    "birthdate": "birth_date",
    "dateofbirth": "birth_date",
    "dob": "birth_date",
    "studentid": "student_id",
    "degree": "degree",
}
# Subject fields that are not claims but the subject's own identifier and kind.
SUBJECT_OWN = {"id": "subject_id", "type": "subject_type"}
# Leaves that identify or classify rather than say something: technical details.
TECHNICAL_LEAVES = frozenset({"id", "type", "@type", "@context", "@id"})


def parts_of(name: str) -> list[str]:
    """`$.credentialSubject.result[0].value` -> `["credentialSubject", "result", "value"]`."""
    text = _INDEX.sub("", name.strip().removeprefix("$").lstrip("."))
    return [part for part in text.split(".") if part]


@lru_cache(maxsize=4096)
def label_id(name: str) -> str | None:
    """The catalogue id (`field.<id>`) of a well-known field, else None."""
    parts = parts_of(name)
    if len(parts) == 2 and parts[0] == SUBJECT and parts[1] in SUBJECT_OWN:
        return SUBJECT_OWN[parts[1]]
    if parts and parts[0] == SUBJECT:
        parts = parts[1:]
    keys = [_key(part) for part in parts]
    for start in range(len(keys)):
        tail = ".".join(keys[start:])
        if start and tail in ("id", "type"):  # a nested thing's own id or kind
            break
        if tail in KNOWN:
            return KNOWN[tail]
    return None


@lru_cache(maxsize=4096)
def field_words(name: str) -> str:
    """Any field name in words, first letter capital: `achievement.criteria.narrative` ->
    "Achievement › criteria › narrative"; the fallback where no label is known."""
    parts = parts_of(name)
    if len(parts) > 1 and parts[0] == SUBJECT:
        parts = parts[1:]
    words = " › ".join(_words(part) for part in parts if _words(part)) or name
    return words[:1].upper() + words[1:]


def is_technical(name: str) -> bool:
    """Whether a field only identifies or classifies (an `id`, a `type`, a context)."""
    parts = parts_of(name)
    return bool(parts) and parts[-1] in TECHNICAL_LEAVES


def _key(part: str) -> str:
    return re.sub(r"[\s_\-]", "", part).lower()


def _words(part: str) -> str:
    spaced = _CAMEL.sub(" ", part.lstrip("@"))
    return re.sub(r"[_\s\-]+", " ", spaced).strip().lower()
