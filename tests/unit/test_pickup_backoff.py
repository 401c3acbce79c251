"""Reconnect delays: growing, capped, spread, and back to short after a good connection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent.plugins.pickup.backoff import Backoff, schedule


def test_schedule_doubles_up_to_the_cap() -> None:
    assert schedule(1.0, 60.0, 9) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_without_jitter_the_backoff_follows_the_schedule() -> None:
    backoff = Backoff(base=0.5, cap=10.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(7)] == schedule(0.5, 10.0, 7)


def test_reset_starts_over() -> None:
    backoff = Backoff(base=1.0, cap=60.0, jitter=0.0)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 1.0


@given(st.floats(min_value=0.0, max_value=1.0, exclude_max=True), st.integers(0, 30))
def test_jitter_stays_within_twenty_percent_and_never_above_the_cap(r: float, step: int) -> None:
    backoff = Backoff(base=1.0, cap=60.0, jitter=0.2, rand=lambda: r, attempts=step)
    raw = min(60.0, 2.0**step)
    delay = backoff.next_delay()
    assert 0.8 * raw <= delay <= min(60.0, 1.2 * raw)
