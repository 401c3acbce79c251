"""Credentials that make stacks, signed by the real issuer: two Open Badges aligned to one
ESCO skill with credit points, and two micro-credentials, one of which names no credits; and
a proof request that draws on two of them. Shared by test_stacks.py and the screen tour.
"""

from __future__ import annotations

import uuid
from typing import Any

from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, LdKind
from tests.integration.proof_peers import accept_next_offer
from tests.integration.wallet_cli import WalletCli

ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"


def aligned_badge(name: str, credits: float) -> dict[str, Any]:
    """An Open Badge 3.0 subject aligned to the ESCO skill "use Python", with credits."""
    return {
        "achievement": {
            "id": f"https://learner-wallet.example/achievements/{uuid.uuid4().hex[:8]}",
            "type": ["Achievement"],
            "name": name,
            "description": f"{name}: passed the final assessment.",
            "criteria": {"narrative": "Passed the final assessment with at least 70%."},
            "creditsAvailable": credits,
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "use Python",
                    "targetUrl": ESCO_PYTHON,
                    "targetFramework": "ESCO",
                }
            ],
        }
    }


def course(title: str, credits: int | None) -> dict[str, Any]:
    subject = {**SAMPLE_MICROCREDENTIAL, "courseTitle": title}
    if credits is None:
        del subject["credits"]
    else:
        subject["credits"] = credits
    return subject


def two_courses() -> dict[str, Any]:
    """A DIF request for two micro-credentials: "SQL Basics", and a data course that either
    of "Statistics 1" and "SQL Basics" answers (so the learner has a choice to make)."""

    def descriptor(name: str, title: str, courses: list[str]) -> dict[str, Any]:
        field = {"path": ["$.credentialSubject.courseTitle"], "filter": {"enum": courses}}
        return {
            "id": name,
            "name": title,
            "schema": [{"uri": MICROCREDENTIAL}],
            "constraints": {"fields": [field]},
        }

    return {
        "id": str(uuid.uuid4()),
        "name": "Data analyst application",
        "purpose": "We check the courses you completed.",
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
        "input_descriptors": [
            descriptor("sql", "SQL course", ["SQL Basics"]),
            descriptor("data", "Data course", ["Statistics 1", "SQL Basics"]),
        ],
    }


async def fill_wallet(learner: WalletCli, issuer: IssuerPeer, connection: str) -> dict[str, str]:
    """Two ESCO-aligned badges and two micro-credentials (one says no credits): title -> id."""
    held: dict[str, str] = {}
    batch: list[tuple[LdKind, str, dict[str, Any]]] = [
        ("openbadge", "Python Foundations", aligned_badge("Python Foundations", 5)),
        ("openbadge", "Data Analysis with Python", aligned_badge("Data Analysis with Python", 2.5)),
        ("ed25519", "SQL Basics", course("SQL Basics", 3)),
        ("ed25519", "Statistics 1", course("Statistics 1", None)),
    ]
    for kind, title, subject in batch:
        await issuer.offer_ld_credential(connection, kind, subject)
        held[title] = str((await accept_next_offer(learner))["credential_id"])
    return held
