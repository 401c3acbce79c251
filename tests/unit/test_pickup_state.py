"""What the controller hears about delivery, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.plugins.pickup.state import PickupState, next_connection_state


def test_a_failed_first_attempt_is_offline_and_retries_stay_offline() -> None:
    assert next_connection_state("connecting", up=False) == "offline"
    assert next_connection_state("offline", up=False) == "offline"
    assert next_connection_state("offline", up=True) == "connected"


def test_a_dropped_connection_is_connecting_until_a_retry_fails() -> None:
    assert next_connection_state("connected", up=False) == "connecting"


def test_only_significant_changes_make_a_webhook() -> None:
    state = PickupState()
    counted, significant = state.changed(messages_received=1, last_message_at=datetime.now(UTC))
    assert not significant
    _, significant = counted.changed(state="connected")
    assert significant
    _, significant = counted.changed(mode="implicit")
    assert significant


def test_the_payload_is_json_ready() -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    payload = PickupState(state="connected", mode="pickup2", last_message_at=stamp).payload()
    assert payload["last_message_at"] == "2026-01-02T03:04:05+00:00"
    assert payload["state"] == "connected" and payload["mode"] == "pickup2"
    assert payload["since"] is None
