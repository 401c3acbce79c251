"""Skills and workload read the same from a detail read (`raw`) and from an index summary."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_credential_normalize import anoncreds_info, w3c_record
from wallet.credentials.achievement import (
    Alignment,
    Workload,
    alignments_of,
    unflatten,
    workload_of,
)
from wallet.credentials.models import StoredCredential
from wallet.credentials.normalize import flatten, from_anoncreds, from_w3c

ESCO_DATA = "http://data.europa.eu/esco/skill/15d76317-c71a-4fa2-aadc-2ecc34e627b7"
ESCO_STATS = "http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5b-a55a-4a4a65afdc43"


def _badge(achievement: dict[str, Any], **subject: Any) -> dict[str, Any]:
    return {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6MkOb", "name": "Open Learning Institute"},
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {"name": "Data Literacy", **achievement},
            **subject,
        },
    }


def _both(document: dict[str, Any]) -> list[StoredCredential]:
    """The detail read (with raw) and the summary lists and the index keep (without)."""
    full = from_w3c(w3c_record(document))
    return [full, full.summary()]


TWO_ALIGNMENTS = [
    {
        "type": ["Alignment"],
        "targetName": "Work with data",
        "targetUrl": ESCO_DATA,
        "targetFramework": "ESCO",
        "targetCode": "S5.6.1",
        "targetDescription": "Collect, analyse and present data.",
    },
    {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": ESCO_STATS},
]


@pytest.mark.parametrize("credential", _both(_badge({"alignment": TWO_ALIGNMENTS})))
def test_open_badge_alignment_list(credential: StoredCredential) -> None:
    found = alignments_of(credential)
    assert [a.name for a in found] == ["Work with data", "Statistics"]
    assert found[0].framework == "ESCO"
    assert found[0].url == ESCO_DATA
    assert found[0].code == "S5.6.1"
    assert found[0].key == ESCO_DATA.lower()
    assert found[1].framework is None and found[1].code is None


@pytest.mark.parametrize("credential", _both(_badge({"alignment": TWO_ALIGNMENTS[1]})))
def test_open_badge_single_alignment_object(credential: StoredCredential) -> None:
    # One alignment flattens without an index (`achievement.alignment.targetName`).
    assert alignments_of(credential) == [Alignment(name="Statistics", url=ESCO_STATS)]


def test_alignment_key_without_url_is_framework_and_name() -> None:
    assert Alignment(name="Teamwork", framework="ESCO").key == "esco:teamwork"
    assert Alignment(name="Teamwork").key == ":teamwork"
    same = alignments_of(from_w3c(w3c_record(_badge({"alignment": TWO_ALIGNMENTS * 2}))))
    assert len(same) == 2  # the same skill twice is one skill


@pytest.mark.parametrize("credential", _both(_badge({"creditsAvailable": 5})))
def test_open_badge_credits_available(credential: StoredCredential) -> None:
    assert workload_of(credential) == Workload(credit_points=5.0, hours=None)


@pytest.mark.parametrize(
    "subject",
    [
        {"courseTitle": "Data", "credits": 5, "level": "EQF 5"},  # the demo's shape
        {"courseTitle": "Data", "ects": "5 ECTS", "workload": "PT125H"},
        {"achievement": {"name": "Data", "ECTS": "5,0"}, "studyHours": "125 h"},
        {"learningAchievementSpecification": {"creditPoint": [{"point": "5"}]}},
    ],
)
def test_micro_credential_shapes(subject: dict[str, Any]) -> None:
    document = {"type": ["VerifiableCredential", "MicroCredential"], "credentialSubject": subject}
    for credential in _both(document):
        workload = workload_of(credential)
        assert workload.credit_points == 5.0
        assert workload.hours in (None, 125.0)
    assert workload_of(_both(document)[1]).hours == workload_of(_both(document)[0]).hours


def test_hours_from_duration_and_workload_in_credits() -> None:
    document = {"credentialSubject": {"workload": "PT90H30M"}}
    assert workload_of(from_w3c(w3c_record(document))) == Workload(hours=90.5)
    in_credits = {"credentialSubject": {"workload": "6 ECTS"}}
    assert workload_of(from_w3c(w3c_record(in_credits))) == Workload(credit_points=6.0)


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"course_title": "Data", "ects": "5"}, Workload(credit_points=5.0)),
        ({"credit_points": "7.5", "workload_hours": "180"}, Workload(credit_points=7.5, hours=180)),
        ({"hours": "40"}, Workload(hours=40.0)),
        ({"course_title": "Data", "score": "87"}, Workload()),
        ({"ects": "none"}, Workload()),
    ],
)
def test_anoncreds_attributes(attrs: dict[str, str], expected: Workload) -> None:
    credential = from_anoncreds(anoncreds_info(attrs=attrs), schema_name="Course result")
    assert workload_of(credential) == expected
    assert workload_of(credential.summary()) == expected
    assert expected.known == (expected != Workload())


def test_anoncreds_skills_as_json_list_or_one_word() -> None:
    listed = from_anoncreds(anoncreds_info(attrs={"skills": '["SQL", "Python"]'}))
    assert [a.name for a in alignments_of(listed.summary())] == ["SQL", "Python"]
    one = from_anoncreds(anoncreds_info(attrs={"skills": "Teamwork"}))
    assert alignments_of(one) == [Alignment(name="Teamwork")]


def test_skill_objects_and_links_in_a_micro_credential() -> None:
    subject = {
        "skills": [
            {"id": ESCO_DATA, "prefLabel": {"en": "Work with data", "de": "Mit Daten arbeiten"}},
            {"name": "Statistics", "framework": "ESCO", "url": ESCO_STATS},
            ESCO_DATA,  # the same skill again, as a bare link
        ]
    }
    for credential in _both({"credentialSubject": subject}):
        found = alignments_of(credential)
        assert [(a.name, a.url) for a in found] == [
            ("Work with data", ESCO_DATA),
            ("Statistics", ESCO_STATS),
        ]


def test_nothing_to_say() -> None:
    credential = from_w3c(w3c_record({"credentialSubject": {"name": "Ada"}}))
    assert alignments_of(credential) == []
    assert workload_of(credential) == Workload()
    assert not workload_of(credential).known


def test_subject_as_a_list_and_no_fetchable_non_http_links() -> None:
    document = {
        "credentialSubject": [
            {"achievement": {"alignment": {"targetName": "X", "targetUrl": "javascript:alert(1)"}}}
        ]
    }
    for credential in _both(document):
        assert alignments_of(credential) == [Alignment(name="X")]


claims = st.recursive(
    st.text(max_size=8) | st.integers(0, 1000),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.from_regex(r"[a-zA-Z]{1,6}", fullmatch=True), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(claims)
def test_any_claims_are_read_without_error(subject: Any) -> None:
    """Whatever an issuer sends, reading it never raises, with or without `raw`."""
    for credential in _both({"credentialSubject": subject}):
        alignments_of(credential)
        workload = workload_of(credential)
        assert workload.credit_points is None or workload.credit_points >= 0
    assert isinstance(unflatten(flatten(subject)), dict)
