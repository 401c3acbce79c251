"""Why the verifier asks: the request's name, the definition's purpose and the message's
comment stay apart, and a comment that only repeats them is not shown a second time."""

from __future__ import annotations

import json
from typing import Any

import pytest

from protocols.consent import ConsentPrompt, build_prompt
from protocols.consent.models import Purpose
from protocols.presentation.pending import PendingRequest, RequestBook
from tests.unit.test_consent_fixtures import (
    NOW,
    TRUST,
    anoncreds_candidates,
    anoncreds_request,
    dif_candidates,
    dif_request,
    exchange_record,
)


def _dif_prompt(name: str, purpose: str | None, comment: str | None) -> ConsentPrompt:
    request: dict[str, Any] = dif_request()
    definition = request["presentation_definition"]
    definition["name"] = name
    definition["purpose"] = purpose
    record = exchange_record({"dif": request}, comment)
    return build_prompt(record, dif_candidates(), TRUST, "Employer", now=NOW)


def test_the_demo_s_request_says_its_purpose_once() -> None:
    """What the learner met: name, purpose and a comment, run together into one line."""
    purpose = _dif_prompt(
        "Course and completion date",
        "We check which course you completed and when.",
        "we check which course you completed  and when",
    ).purpose
    assert purpose == Purpose(
        name="Course and completion date",
        purpose="We check which course you completed and when.",
        comment=None,
    )
    assert purpose.sentences == ["We check which course you completed and when."]


@pytest.mark.parametrize(
    "comment",
    [
        "We check which course you completed and when.",  # the same
        "WE CHECK which course you completed and when!",  # case and final punctuation
        "  We check which\ncourse you completed and when ",  # spacing
        "which course you completed",  # part of the purpose
        "Course and completion date",  # the name
        "completion date.",  # part of the name
        "",
        "  ...  ",
    ],
)
def test_a_comment_that_adds_nothing_is_dropped(comment: str) -> None:
    purpose = _dif_prompt(
        "Course and completion date", "We check which course you completed and when.", comment
    ).purpose
    assert purpose.comment is None
    assert purpose.purpose == "We check which course you completed and when."
    assert purpose.said == "We check which course you completed and when."


@pytest.mark.parametrize(
    "comment",
    [
        "For your application as a junior data analyst",
        "We check which course you completed and when, and your grade.",  # says more
        "To see which course you completed, and when",  # other words: the verifier's own
    ],
)
def test_a_comment_that_adds_something_is_kept_apart_from_the_purpose(comment: str) -> None:
    purpose = _dif_prompt(
        "Course and completion date", "We check which course you completed and when.", comment
    ).purpose
    assert purpose.name == "Course and completion date"
    assert purpose.purpose == "We check which course you completed and when."
    assert purpose.comment == comment.strip()
    assert purpose.sentences == [purpose.purpose, purpose.comment]


def test_a_purpose_that_only_repeats_the_name_is_dropped() -> None:
    purpose = _dif_prompt("Degree check", "degree check.", "For the job").purpose
    assert (purpose.name, purpose.purpose, purpose.comment) == (
        "Degree check",
        None,
        "For the job",
    )


def test_anoncreds_has_no_purpose_only_name_and_comment() -> None:
    record = exchange_record({"anoncreds": anoncreds_request()}, "Job at Acme")
    purpose = build_prompt(record, anoncreds_candidates(), TRUST, "Acme HR", now=NOW).purpose
    assert (purpose.name, purpose.purpose, purpose.comment) == (
        "Proof of degree",
        None,
        "Job at Acme",
    )
    assert purpose.said == "Job at Acme"


def test_a_prompt_stored_before_purpose_existed_reads_back() -> None:
    """The request book keeps large prompts as JSON: an old one has no `purpose` field."""
    prompt = _dif_prompt("Degree check", "Hiring", "For the job")
    old = prompt.model_dump(mode="json")
    old["purpose"] = {"name": "Degree check", "comment": "For the job Hiring"}
    read = ConsentPrompt.model_validate_json(json.dumps(old))  # as the book reads it back
    assert read.purpose == Purpose(name="Degree check", comment="For the job Hiring")
    assert read.purpose.said == "For the job Hiring"

    book = RequestBook(pack_at=1)  # keeps every prompt as JSON
    request = PendingRequest(
        exchange_id=read.exchange_id,
        state="request-received",
        verifier=read.verifier,
        request_name=read.purpose.name,
        prompt=read,
    )
    book.put(request)
    assert book.get(read.exchange_id) == request
