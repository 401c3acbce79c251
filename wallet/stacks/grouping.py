"""Which automatic stacks a credential belongs to: its issuer's and one per skill it names.

A stack's id is a short hash of its grouping key, so ids are stable, fit in a URL path and
do not show a DID or a link. Skills come from `achievement.alignments_of` (no parsing here).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.credentials.achievement import Alignment, alignments_of
from wallet.credentials.models import StoredCredential
from wallet.stacks.models import SkillFacts, StackKind

ESCO_HOSTS = ("data.europa.eu",)
ESCO_PATH = "/esco/"


@dataclass(frozen=True)
class Membership:
    """A credential's place in one automatic stack, with what names that stack."""

    stack_id: str
    kind: StackKind
    name: str | None
    skill: SkillFacts | None = None
    issuer_did: str | None = None


def stack_id(kind: StackKind, key: str) -> str:
    return f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def is_esco(url: str | None) -> bool:
    """An ESCO skill or occupation URI (data.europa.eu/esco/...)."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.hostname in ESCO_HOSTS and parts.path.startswith(ESCO_PATH)


def skill_name(alignment: Alignment) -> str | None:
    """The skill's name as a learner reads it; None when all it has is a link."""
    name = alignment.name.strip()
    if name.lower().startswith(("http://", "https://", "urn:")) or name == alignment.url:
        return None
    return name


def issuer_membership(credential: StoredCredential) -> Membership | None:
    key = credential.issuer_did or credential.issuer_label
    if not key:
        return None
    return Membership(
        stack_id("issuer", f"issuer:{key}"),
        "issuer",
        credential.issuer_label,
        issuer_did=credential.issuer_did,
    )


def skill_key(alignment: Alignment) -> str:
    """What groups a skill: an ESCO concept by its path alone (issuers write http or
    https, with or without a trailing slash), anything else by the alignment's own key."""
    if is_esco(alignment.url):
        return "esco:" + urlsplit(alignment.url or "").path.rstrip("/").lower()
    return alignment.key


def skill_memberships(credential: StoredCredential) -> list[Membership]:
    found: dict[str, Membership] = {}
    for alignment in alignments_of(credential):
        facts = SkillFacts(
            framework=alignment.framework,
            url=alignment.url,
            code=alignment.code,
            esco=is_esco(alignment.url),
        )
        key = stack_id("skill", f"skill:{skill_key(alignment)}")
        member = Membership(key, "skill", skill_name(alignment), facts)
        found.setdefault(member.stack_id, member)
    return list(found.values())


def memberships(credential: StoredCredential) -> list[Membership]:
    """Every automatic stack the credential is part of: skills first, then its issuer."""
    issuer = issuer_membership(credential)
    return skill_memberships(credential) + ([issuer] if issuer else [])
