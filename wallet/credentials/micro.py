"""What a micro-credential is worth: its workload, its level and what the learner can now do.

The European approach to micro-credentials asks for these three on every one; issuers write
them in many shapes (our demo's `credits` and `level: "EQF 5"`, ELM's `eqfLevel` link and
`learningOutcome` objects, an AnonCreds `learning_outcomes` text), so this reads them all
from the subject or its achievement, with or without the detail read's `raw`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from wallet.credentials.achievement import (
    CREDIT_NAMES,
    HOUR_NAMES,
    Workload,
    as_items,
    claim_places,
    subjects,
    workload_of,
)
from wallet.credentials.models import StoredCredential

MAX_OUTCOMES = 30
LEVEL_NAMES = ("level", "eqfLevel", "eqf_level", "nqfLevel", "nqf_level", "educationLevel")
OUTCOME_NAMES = ("learningOutcomes", "learningOutcome", "learning_outcomes", "outcomes")
_EQF_LINK = re.compile(r"/eqf/(\d)$")
_LEAF = re.compile(r"(?:\[\d+\])+$")


class MicroFacts(BaseModel):
    workload: Workload = Field(default_factory=Workload)
    level: str | None = None
    outcomes: list[str] = Field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.workload.known or bool(self.level or self.outcomes)


def micro_facts(credential: StoredCredential) -> MicroFacts:
    level: str | None = None
    outcomes: list[str] = []
    for subject in subjects(credential):
        for place in claim_places(subject):
            level = level or next(filter(None, (_level(place.get(n)) for n in LEVEL_NAMES)), None)
            for name in OUTCOME_NAMES:
                outcomes.extend(_outcomes(place.get(name)))
    return MicroFacts(
        workload=workload_of(credential),
        level=level,
        outcomes=list(dict.fromkeys(outcomes))[:MAX_OUTCOMES],
    )


def is_micro_claim(path: str) -> bool:
    """Whether a flattened claim (`learningOutcomes[1]`, `achievement.ECTS`) is one the
    workload, level and outcomes already say, so the field list need not repeat it."""
    parts = [_LEAF.sub("", part) for part in path.split(".")]
    words = {re.sub(r"[_\-\s]", "", part).lower() for part in parts}
    own = {re.sub(r"_", "", name).lower() for name in (*LEVEL_NAMES, *OUTCOME_NAMES)}
    return bool(words & (own | CREDIT_NAMES | HOUR_NAMES | {"creditpoint"}))


def _level(value: Any) -> str | None:
    """ "EQF 5" as written; ELM's `http://data.europa.eu/snb/eqf/5` as "EQF 5"."""
    if isinstance(value, Mapping):
        value = value.get("id") or value.get("name") or value.get("prefLabel")
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if match := _EQF_LINK.search(text):
        return f"EQF {match.group(1)}"
    return None if text.lower().startswith(("http://", "https://")) else text


def _outcomes(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    found: list[str] = []
    for item in as_items(value):
        if isinstance(item, Mapping):
            item = item.get("title") or item.get("name") or item.get("description")
            if isinstance(item, Mapping):  # a language map
                item = item.get("en") or next(iter(item.values()), None)
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
    return found
