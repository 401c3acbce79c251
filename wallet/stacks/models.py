"""What a stack is as the API serves it: a summary for lists, a detail with its parts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from wallet.credentials.models import CredentialFormat, CredentialStatus

# "selection": the credentials one proof request draws on (never stored).
StackKind = Literal["collection", "skill", "issuer", "selection"]


class StackTotals(BaseModel):
    """What the parts add up to, and how many of them say nothing, so a sum is honest.

    Withdrawn parts (revoked or suspended) are listed but not counted.
    """

    parts: int = 0
    counted: int = 0
    credit_points: float | None = None
    hours: float | None = None
    with_credit_points: int = 0
    with_hours: int = 0
    without_workload: int = Field(default=0, description="Counted parts carrying neither figure.")
    withdrawn: int = Field(
        default=0, description="Revoked or suspended parts, left out of the sums."
    )


class SkillFacts(BaseModel):
    """Where a skill stack's skill comes from: its framework (ESCO etc.) and link."""

    framework: str | None = None
    url: str | None = None
    code: str | None = None
    esco: bool = False


class StackSummary(BaseModel):
    id: str
    kind: StackKind
    name: str | None = Field(description="None when the issuer or skill has no readable name.")
    totals: StackTotals
    skill: SkillFacts | None = None
    issuer_did: str | None = None
    created: datetime | None = None


class StackPart(BaseModel):
    """One credential in a stack, with what it carries towards the totals."""

    id: str
    title: str
    format: CredentialFormat
    issuer_label: str | None = None
    issued: datetime | None = None
    status: CredentialStatus = "unknown"
    credit_points: float | None = None
    hours: float | None = None


class SkillShown(BaseModel):
    """A skill the parts of a stack show, linking to that skill's own stack."""

    stack_id: str
    name: str | None
    esco: bool = False
    parts: int = Field(description="How many parts of this stack show it.")


class StackDetail(StackSummary):
    parts: list[StackPart]
    skills: list[SkillShown] = Field(default_factory=list)


class StackList(BaseModel):
    """Collections first (the learner's own), then skills, then issuers."""

    stacks: list[StackSummary]
