"""What an Open Badge 3.0 says, read for people: its achievement, criteria, issuer and evidence.

An employer looking at a learner's phone wants the achievement's name, what it means and how
it was earned, who issued it and where the evidence is; the JSON-LD around those is for
machines. Evidence and issuer addresses are kept as links the learner may open: the wallet
itself never fetches them, and only embedded `data:image/` pictures are ever shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from wallet.credentials.achievement import Alignment, alignments_of, as_items, subjects, text_of
from wallet.credentials.models import StoredCredential
from wallet.credentials.titles import type_words

OPEN_BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
MAX_EVIDENCE = 20
MAX_RESULTS = 20
MAX_PROSE_CHARS = 4000
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_MARKUP = re.compile(r"(\*\*|__|`)")


class Prose(BaseModel):
    """One block of an issuer's text: a paragraph, or a list of its items."""

    kind: Literal["paragraph", "list"]
    lines: list[str]


class Evidence(BaseModel):
    """A piece of evidence: its link is shown for the learner to open, never fetched here."""

    name: str | None = None
    description: str | None = None
    url: str | None = None
    genre: str | None = None


class IssuerProfile(BaseModel):
    name: str | None = None
    url: str | None = None
    image: str | None = None  # only an embedded data:image/ picture
    description: str | None = None


class Result(BaseModel):
    """A result the learner achieved (a grade, a level, a status), named by the badge."""

    name: str
    value: str


class BadgeFacts(BaseModel):
    name: str | None = None
    description: str | None = None
    achievement_kind: str | None = None
    criteria: list[Prose] = Field(default_factory=list)
    criteria_url: str | None = None
    issuer: IssuerProfile = Field(default_factory=IssuerProfile)
    alignments: list[Alignment] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)


def is_open_badge(credential: StoredCredential) -> bool:
    """Typed as an Open Badge, or a W3C credential whose subject holds an achievement."""
    if OPEN_BADGE_TYPES & set(credential.types):
        return True
    if credential.format != "w3c":
        return False
    return any(_is_map(subject.get("achievement")) for subject in subjects(credential))


def badge_facts(credential: StoredCredential) -> BadgeFacts:
    """The badge's facts; the issuer profile and evidence need the detail read (`raw`)."""
    subject = next((s for s in subjects(credential) if _is_map(s.get("achievement"))), {})
    achievement: Mapping[str, Any] = subject.get("achievement") or {}
    found = achievement.get("criteria")
    criteria: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    document = credential.raw or {}
    kind = text_of(achievement.get("achievementType"))
    kind = kind.removeprefix("ext:") if kind else None  # OB3's own extension types
    return BadgeFacts(
        name=text_of(achievement.get("name")),
        description=text_of(achievement.get("description")),
        achievement_kind=type_words(kind) if kind else None,
        criteria=prose(criteria.get("narrative")),
        criteria_url=link(criteria.get("id")),
        issuer=_issuer(document.get("issuer")),
        alignments=alignments_of(credential),
        evidence=_evidence(document.get("evidence")),
        results=_results(subject.get("result"), achievement.get("resultDescription")),
    )


def prose(value: Any) -> list[Prose]:
    """An issuer's narrative (Markdown in OB3) as paragraphs and lists, its markup dropped."""
    text = text_of(value)
    if not text:
        return []
    blocks: list[Prose] = []
    for chunk in re.split(r"\n\s*\n", text[:MAX_PROSE_CHARS].replace("\r\n", "\n")):
        lines = [_plain(line) for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            items = [_LIST_ITEM.sub("", line) for line in lines]
            blocks.append(Prose(kind="list", lines=items))
        else:
            blocks.append(Prose(kind="paragraph", lines=[" ".join(lines)]))
    return blocks


def link(value: Any) -> str | None:
    """A web address the learner may open; anything else (urn:, javascript:) is no link."""
    text = text_of(value.get("id") if _is_map(value) else value)
    if text and len(text) <= 2000 and text.lower().startswith(("https://", "http://")):
        return text
    return None


def embedded_image(value: Any) -> str | None:
    text = text_of(value.get("id") if _is_map(value) else value)
    if text and text[:11].lower() == "data:image/" and len(text) <= 256 * 1024:
        return text
    return None


def _issuer(value: Any) -> IssuerProfile:
    if not _is_map(value):
        return IssuerProfile()
    return IssuerProfile(
        name=text_of(value.get("name")),
        url=link(value.get("url")),
        image=embedded_image(value.get("image")),
        description=text_of(value.get("description")),
    )


def _evidence(value: Any) -> list[Evidence]:
    found: list[Evidence] = []
    for item in as_items(value)[:MAX_EVIDENCE]:
        if isinstance(item, str):
            if url := link(item):
                found.append(Evidence(url=url))
            continue
        if not _is_map(item):
            continue
        evidence = Evidence(
            name=text_of(item.get("name")),
            description=text_of(item.get("description")) or text_of(item.get("narrative")),
            url=link(item.get("id")) or link(item.get("url")),
            genre=text_of(item.get("genre")),
        )
        if evidence.name or evidence.description or evidence.url:
            found.append(evidence)
    return found


def _results(value: Any, descriptions: Any) -> list[Result]:
    """OB3 `result` entries named by the achievement's `resultDescription`."""
    names: dict[str, Mapping[str, Any]] = {
        str(item.get("id")): item for item in as_items(descriptions) if _is_map(item)
    }
    found: list[Result] = []
    for item in as_items(value)[:MAX_RESULTS]:
        if not _is_map(item):
            continue
        described = names.get(str(item.get("resultDescription")), {})
        levels = {
            str(level.get("id")): text_of(level.get("name"))
            for level in as_items(described.get("rubricCriterionLevel"))
            if _is_map(level)
        }
        achieved = text_of(item.get("achievedLevel"))
        value_text = (
            text_of(item.get("value"))
            or (levels.get(achieved) if achieved else None)
            or text_of(item.get("status"))
        )
        name = text_of(described.get("name"))
        if name and value_text:
            found.append(Result(name=name, value=value_text))
    return found


def _plain(line: str) -> str:
    return _MARKUP.sub("", line.strip().lstrip("#").strip())


def _is_map(value: Any) -> bool:
    return isinstance(value, Mapping)
