"""An Open Badge's and a micro-credential's facts, read for people, from what issuers write."""

from __future__ import annotations

from typing import Any

from demo.peer_credentials import SAMPLE_BADGE, SAMPLE_MICROCREDENTIAL, microcredential, open_badge
from tests.unit.test_credential_normalize import anoncreds_info, w3c_record
from wallet.credentials.badge import Prose, badge_facts, is_open_badge, prose
from wallet.credentials.micro import is_micro_claim, micro_facts
from wallet.credentials.normalize import from_anoncreds, from_w3c


def test_the_demo_badge_and_micro_credential() -> None:
    badge = from_w3c(
        w3c_record(open_badge("did:key:z6MkI", "Open Learning Institute", SAMPLE_BADGE))
    )
    assert is_open_badge(badge) and is_open_badge(badge.summary())
    facts = badge_facts(badge)
    assert facts.name == "Data Literacy Foundations"
    assert facts.criteria == [
        Prose(kind="paragraph", lines=["Passed the final assessment with at least 70%."])
    ]
    assert facts.issuer.name == "Open Learning Institute" and facts.issuer.url is None
    micro = from_w3c(w3c_record(microcredential("did:key:z6MkI", SAMPLE_MICROCREDENTIAL)))
    assert not is_open_badge(micro)
    found = micro_facts(micro.summary())
    assert found.level == "EQF 5" and found.workload.credit_points == 5.0 and found.known


def test_criteria_markdown_becomes_paragraphs_and_lists() -> None:
    text = "# Criteria\nDo **all** of:\n\n1. Attend\n2) Pass the `exam`\n\n* one\n- two\r\n\n  \n"
    assert prose(text) == [
        Prose(kind="paragraph", lines=["Criteria Do all of:"]),
        Prose(kind="list", lines=["Attend", "Pass the exam"]),
        Prose(kind="list", lines=["one", "two"]),
    ]
    assert prose(None) == [] and prose("   ") == []


def _badge(**extra: Any) -> dict[str, Any]:
    return {
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {
            "id": "did:web:oli.example",
            "name": "OLI",
            "url": "javascript:alert(1)",
            "image": "https://oli.example/logo.png",
        },
        "credentialSubject": {
            "achievement": {
                "name": "Welding",
                "achievementType": "ext:MasterCertificate",
                "criteria": {"id": "https://oli.example/criteria"},
                "resultDescription": [
                    {
                        "id": "urn:rd:1",
                        "name": "Final grade",
                        "rubricCriterionLevel": [{"id": "urn:l:a", "name": "Distinction"}],
                    },
                    {"id": "urn:rd:2", "name": "Practical"},
                ],
            },
            "result": [
                {"resultDescription": "urn:rd:1", "achievedLevel": "urn:l:a"},
                {"resultDescription": "urn:rd:2", "value": "92 %"},
                {"resultDescription": "urn:rd:unknown", "value": "x"},
            ],
        },
        **extra,
    }


def test_results_issuer_and_links_that_are_not_web_addresses() -> None:
    facts = badge_facts(from_w3c(w3c_record(_badge())))
    assert [(r.name, r.value) for r in facts.results] == [
        ("Final grade", "Distinction"),
        ("Practical", "92 %"),
    ]
    assert facts.achievement_kind == "Master certificate"
    assert facts.criteria == [] and facts.criteria_url == "https://oli.example/criteria"
    assert facts.issuer.url is None  # not a web address: no link
    assert facts.issuer.image is None  # a web picture is never loaded


def test_evidence_as_objects_links_or_text() -> None:
    evidence = [
        {"id": "https://portfolio.example/a", "name": "Project", "narrative": "Built it."},
        "https://portfolio.example/b",
        {"name": "Talk", "description": "In class"},
        {"id": "urn:uuid:1"},  # nothing to show
        7,
    ]
    facts = badge_facts(from_w3c(w3c_record(_badge(evidence=evidence))))
    assert [(e.name, e.url, e.description) for e in facts.evidence] == [
        ("Project", "https://portfolio.example/a", "Built it."),
        (None, "https://portfolio.example/b", None),
        ("Talk", None, "In class"),
    ]
    summary = badge_facts(from_w3c(w3c_record(_badge(evidence=evidence))).summary())
    assert summary.evidence == [] and summary.name == "Welding"  # evidence needs the detail


def test_micro_credential_shapes_of_level_and_outcomes() -> None:
    elm = {
        "credentialSubject": {
            "learningAchievementSpecification": {
                "eqfLevel": {"id": "http://data.europa.eu/snb/eqf/6"},
                "learningOutcome": [
                    {"title": {"en": "Plans a survey", "de": "Plant eine Umfrage"}},
                    {"name": "Reports results"},
                ],
                "volumeOfLearning": "PT50H",
            }
        }
    }
    for credential in (from_w3c(w3c_record(elm)), from_w3c(w3c_record(elm)).summary()):
        facts = micro_facts(credential)
        assert facts.level == "EQF 6"
        assert facts.outcomes == ["Plans a survey", "Reports results"]
        assert facts.workload.hours == 50.0
    anoncreds = from_anoncreds(
        anoncreds_info(attrs={"learning_outcomes": '["Cleans data", "Cleans data"]', "ects": "2"})
    )
    assert micro_facts(anoncreds).outcomes == ["Cleans data"]
    assert micro_facts(anoncreds).workload.credit_points == 2.0
    assert not micro_facts(from_w3c(w3c_record({"credentialSubject": {"name": "x"}}))).known


def test_claims_the_workload_level_and_outcomes_already_say() -> None:
    for said in ("credits", "achievement.ECTS", "learningOutcomes[1]", "workload_hours", "level"):
        assert is_micro_claim(said), said
    for other in ("courseTitle", "provider", "achievement.name", "score"):
        assert not is_micro_claim(other), other
