"""What an achievement is worth and which skills it stands for, from any credential's claims.

Lists and the search index keep only summaries (flattened `attributes`, no `raw`), and the
stacks screen groups credentials by skill and adds up workload from those summaries; so
every reader here works from `attributes` alone and uses `raw` when the detail read has it.
Shapes covered: Open Badges 3.0 (`achievement.alignment`, `achievement.creditsAvailable`,
`creditsEarned`), common micro-credential claims (ECTS, credit points, workload in hours or
as an ISO 8601 duration, in the subject or its achievement) and AnonCreds attribute names
(`ects`, `credit_points`, `hours`, `workload_hours`). Links are kept as text: nothing here
fetches anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from wallet.credentials.models import StoredCredential

MAX_ALIGNMENTS = 50
MAX_URL_CHARS = 2000
# Claim names (compared without case, `_` or `-`) that carry credit points or study hours.
CREDIT_NAMES = frozenset(
    {
        "ects",
        "ectscredits",
        "ectspoints",
        "credits",
        "creditpoints",
        "creditpoint",
        "creditsavailable",
        "creditsearned",
        "credit",
    }
)
HOUR_NAMES = frozenset(
    {
        "hours",
        "workload",
        "workloadhours",
        "studyhours",
        "studyload",
        "learninghours",
        "notionalhours",
        "volumeoflearning",
        "durationhours",
    }
)
# The places a claim may sit: the subject itself, its achievement, the ELM specification.
NESTS = ("achievement", "learningAchievementSpecification", "specifiedBy")
_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:[.,]\d+)?)D)?(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?)?$",
    re.IGNORECASE,
)


class Alignment(BaseModel):
    """A skill or competence the achievement is aligned to (OB3 `Alignment`)."""

    name: str  # OB3 targetName (or the skill's name)
    framework: str | None = None  # targetFramework, e.g. "ESCO"
    url: str | None = None  # targetUrl: shown as a link, never fetched by the wallet
    code: str | None = None  # targetCode
    description: str | None = None  # targetDescription

    @property
    def key(self) -> str:
        """Two credentials aligned to the same skill group together by this."""
        return (self.url or f"{self.framework or ''}:{self.name}").lower()


class Workload(BaseModel):
    """Credit points and study hours; None where the credential does not say."""

    credit_points: float | None = None  # ECTS / credit points
    hours: float | None = None  # study hours

    @property
    def known(self) -> bool:
        return self.credit_points is not None or self.hours is not None


def alignments_of(credential: StoredCredential) -> list[Alignment]:
    """Every distinct alignment or skill the credential names, in the order it names them."""
    found: dict[str, Alignment] = {}
    for subject in subjects(credential):
        for alignment in _subject_alignments(subject):
            found.setdefault(alignment.key, alignment)
            if len(found) >= MAX_ALIGNMENTS:
                return list(found.values())
    return list(found.values())


def workload_of(credential: StoredCredential) -> Workload:
    """The first credit points and hours found in the subject or its achievement."""
    credit_points: float | None = None
    hours: float | None = None
    for subject in subjects(credential):
        for place in claim_places(subject):
            for name, value in place.items():
                word = _normalized(str(name))
                if credit_points is None and word in CREDIT_NAMES:
                    credit_points = _credit_value(value)
                elif word in HOUR_NAMES and _says_credits(value):
                    credit_points = credit_points if credit_points is not None else _number(value)
                elif hours is None and word in HOUR_NAMES:
                    hours = _hours_value(value)
    return Workload(credit_points=credit_points, hours=hours)


def subjects(credential: StoredCredential) -> list[Mapping[str, Any]]:
    """The credential subjects as nested claims: from `raw` when read, else rebuilt."""
    if credential.raw is not None and credential.format == "w3c":
        return [item for item in as_items(credential.raw.get("credentialSubject")) if _is_map(item)]
    if credential.raw is not None and _is_map(credential.raw.get("attrs")):
        return [credential.raw["attrs"]]
    nested = unflatten(credential.attributes)
    if nested and all(isinstance(key, int) for key in nested):
        return [item for item in as_items(nested) if _is_map(item)]
    return [nested]


def unflatten(attributes: Mapping[str, str]) -> dict[Any, Any]:
    """`achievement.alignment[0].targetName` back into nested dicts (list indexes as ints).

    The reverse of `normalize.flatten`, so summaries can be read like the document.
    """
    root: dict[Any, Any] = {}
    for path, value in attributes.items():
        keys: list[Any] = [int(i) if i else name for i, name in _TOKEN.findall(path)]
        if not keys:
            continue
        node = root
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node.setdefault(keys[-1], value)
    return root


def _subject_alignments(subject: Mapping[str, Any]) -> Iterator[Alignment]:
    for place in claim_places(subject):
        for item in as_items(place.get("alignment")):
            if _is_map(item) and (found := _alignment(item)):
                yield found
        for field in ("skills", "skill", "relatedESCOSkill"):
            for item in _skill_items(place.get(field)):
                if found := _skill(item):
                    yield found


def _alignment(item: Mapping[str, Any]) -> Alignment | None:
    name = text_of(item.get("targetName")) or text_of(item.get("name"))
    if not name:
        return None
    return Alignment(
        name=name,
        framework=text_of(item.get("targetFramework")) or text_of(item.get("framework")),
        url=_link(item.get("targetUrl")) or _link(item.get("url")),
        code=text_of(item.get("targetCode")) or text_of(item.get("code")),
        description=text_of(item.get("targetDescription")),
    )


def _skill(item: Any) -> Alignment | None:
    """A skill as a word, a link (ESCO-style), or an object with a name or a prefLabel."""
    if _is_map(item):
        name = text_of(item.get("name")) or _label(item.get("prefLabel"))
        url = _link(item.get("url")) or _link(item.get("id"))
        if not name:
            return _alignment(item) or (Alignment(name=url, url=url) if url else None)
        return Alignment(
            name=name,
            framework=text_of(item.get("framework")) or text_of(item.get("targetFramework")),
            url=url,
            code=text_of(item.get("code")),
        )
    text = text_of(item)
    return Alignment(name=text, url=_link(text)) if text else None


def _skill_items(value: Any) -> list[Any]:
    """Skills as listed; an AnonCreds attribute may hold a JSON list of them as text."""
    text = text_of(value)
    if text and text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            return [text]
        return parsed if isinstance(parsed, list) else [text]
    return as_items(value)


def claim_places(subject: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The subject and what nests in it (its achievement, an ELM specification)."""
    places: list[Mapping[str, Any]] = [subject]
    for nest in NESTS:
        places.extend(item for item in as_items(subject.get(nest)) if _is_map(item))
    return places


def _credit_value(value: Any) -> float | None:
    """A number, "5 ECTS", "7,5", or ELM's `creditPoint` objects `{"point": "5"}`."""
    for item in as_items(value):
        if _is_map(item):
            item = item.get("point") or item.get("value")
        number = _number(item)
        if number is not None:
            return number
    return None


def _hours_value(value: Any) -> float | None:
    """Hours as a number, "120 h", or an ISO 8601 duration such as `PT60H` (a day is 24 h)."""
    for item in as_items(value):
        if _is_map(item):
            item = item.get("hours") or item.get("value")
        text = text_of(item)
        if text and (match := _DURATION.match(text)) and any(match.groupdict().values()):
            parts = {k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v}
            hours = parts.get("days", 0) * 24 + parts.get("hours", 0) + parts.get("minutes", 0) / 60
            return round(hours, 2)
        number = _number(item)
        if number is not None:
            return number
    return None


def _says_credits(value: Any) -> bool:
    """A `workload` of "5 ECTS" is credit points, not hours."""
    text = (text_of(value) or "").lower()
    return "ects" in text or "credit" in text or "leistungspunkt" in text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    text = text_of(value)
    match = _NUMBER.search(text) if text else None
    if match is None:
        return None
    number = float(match.group().replace(",", "."))
    return number if number >= 0 else None


def as_items(value: Any) -> list[Any]:
    """A list, a dict rebuilt from `[n]` paths (int keys), or one value, as a list
    (issuers write one item without its list; summaries rebuild lists as int-keyed dicts)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and value and all(isinstance(key, int) for key in value):
        return [value[key] for key in sorted(value)]
    return [value]


def _label(value: Any) -> str | None:
    """A SKOS `prefLabel`: a string, a language map, or `{"@value": ...}` objects."""
    if _is_map(value):
        return (
            text_of(value.get("en")) or text_of(value.get("@value")) or _first_text(value.values())
        )
    return _first_text(as_items(value))


def _first_text(values: Iterable[Any]) -> str | None:
    for item in values:
        text = text_of(item.get("@value")) if _is_map(item) else text_of(item)
        if text:
            return text
    return None


def _link(value: Any) -> str | None:
    text = text_of(value)
    if text and len(text) <= MAX_URL_CHARS and text.lower().startswith(("https://", "http://")):
        return text
    return None


def text_of(value: Any) -> str | None:
    """A non-empty string, stripped; anything else is no text."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def _normalized(name: str) -> str:
    return re.sub(r"[_\-\s]", "", name).lower()
