"""The deadline that turns an exchange waiting for its issuer into a visible failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agent.admin_models import CredentialExchangeRecord
from protocols.issuance.deadline import (
    STORE_RESUME_AFTER,
    next_check_in,
    overdue_reason,
    resume_min_idle,
    store_resume_due,
    waiting_since,
)
from protocols.issuance.models import OfferNote

UPDATED = datetime(2026, 11, 22, 7, 0, 0, tzinfo=UTC)


def record(state: str, error: str | None = None) -> CredentialExchangeRecord:
    return CredentialExchangeRecord(
        cred_ex_id="e1",
        state=state,
        updated_at="2026-11-22T07:00:00.000000Z",
        error_msg=error,
    )


def test_request_sent_is_fine_before_the_timeout_and_failed_after() -> None:
    assert overdue_reason(record("request-sent"), None, UPDATED + timedelta(seconds=4), 5) is None
    reason = overdue_reason(record("request-sent"), None, UPDATED + timedelta(seconds=5), 5)
    assert reason is not None and "did not send the credential within 5 s" in reason


def test_states_the_learner_or_acapy_ended_never_time_out() -> None:
    late = UPDATED + timedelta(hours=1)
    for state in ("offer-received", "done", "abandoned", "credential-revoked"):
        assert overdue_reason(record(state), None, late, 5) is None


def test_a_credential_that_could_not_be_stored_fails_with_acapys_reason() -> None:
    stuck = record("credential-received", error="Storage error: disk full")
    reason = overdue_reason(stuck, None, UPDATED + timedelta(seconds=6), 5)
    assert reason is not None and reason.endswith("Storage error: disk full")


def test_the_clock_starts_at_the_later_of_acapys_change_and_our_acceptance() -> None:
    note = OfferNote(
        cred_ex_id="e1", decision="accepted", decided_at=UPDATED + timedelta(seconds=3)
    )
    assert waiting_since(record("request-sent"), note) == UPDATED + timedelta(seconds=3)
    assert overdue_reason(record("request-sent"), note, UPDATED + timedelta(seconds=6), 5) is None
    assert overdue_reason(record("request-sent"), note, UPDATED + timedelta(seconds=8), 5)


def test_an_exchange_marked_once_is_not_marked_again() -> None:
    note = OfferNote(cred_ex_id="e1", failure="earlier")
    assert overdue_reason(record("request-sent"), note, UPDATED + timedelta(days=1), 5) is None


def test_without_any_timestamp_nothing_is_marked() -> None:
    bare = CredentialExchangeRecord(cred_ex_id="e1", state="request-sent")
    assert overdue_reason(bare, None, UPDATED, 5) is None


def test_check_interval_suits_short_and_long_timeouts() -> None:
    assert next_check_in(3) == 0.6
    assert next_check_in(0.5) == 0.25
    assert next_check_in(600) == 5.0


def test_a_received_credential_is_resumed_after_a_short_stand_never_given_up_then() -> None:
    """Issue #15 (a): the wallet finishes the store instead of failing after 15 s."""
    received = record("credential-received")
    just_before = UPDATED + timedelta(seconds=STORE_RESUME_AFTER - 0.1)
    after = UPDATED + timedelta(seconds=STORE_RESUME_AFTER)
    assert not store_resume_due(received, None, just_before, 60)
    assert store_resume_due(received, None, after, 60)
    assert overdue_reason(received, None, after, 60) is None
    stuck = overdue_reason(received, None, UPDATED + timedelta(seconds=60), 60)
    assert stuck is not None and "within 60 s" in stuck


def test_a_short_timeout_resumes_sooner_and_a_failure_noted_is_not_resumed_again() -> None:
    assert resume_min_idle(3) == 3
    assert resume_min_idle(600) == STORE_RESUME_AFTER
    received = record("credential-received")
    assert store_resume_due(received, None, UPDATED + timedelta(seconds=3), 3)
    note = OfferNote(cred_ex_id="e1", failure="could not be stored")
    assert not store_resume_due(received, note, UPDATED + timedelta(hours=1), 3)
    assert not store_resume_due(record("request-sent"), None, UPDATED + timedelta(hours=1), 3)
