"""When the controller hears about delivery: every change of state, messages now and then."""

from __future__ import annotations

import asyncio
from typing import Any

from agent.plugins.pickup.reporter import EVENT_TOPIC, MESSAGE_NOTICE_SECONDS, StateReporter


class Profile:
    """Records what ACA-Py's event bus would turn into `pickup` webhooks."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def notify(self, topic: str, payload: dict[str, Any]) -> None:
        assert topic == EVENT_TOPIC
        self.sent.append(payload)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_state_changes_are_sent_at_once_and_repeats_not_at_all() -> None:
    profile = Profile()
    reporter = StateReporter(profile, Clock())
    await reporter.socket(True)
    await reporter.socket(True)
    await reporter.socket(False, "refused")
    await reporter.socket(False, "refused")
    assert [(p["state"], p["error"]) for p in profile.sent] == [
        ("connected", None),
        ("connecting", "refused"),
        ("offline", "refused"),
    ]


async def test_new_messages_are_sent_at_most_every_so_often() -> None:
    profile, clock = Profile(), Clock()
    reporter = StateReporter(profile, clock)
    await reporter.message_arrived()
    await reporter.message_arrived()
    assert [p["messages_received"] for p in profile.sent] == [1]
    clock.now += MESSAGE_NOTICE_SECONDS
    await reporter.message_arrived()
    assert [p["messages_received"] for p in profile.sent] == [1, 3]
    assert profile.sent[-1]["last_message_at"] is not None
    assert reporter.state.messages_received == 3


async def test_a_held_back_message_is_sent_when_the_interval_is_over() -> None:
    profile = Profile()
    reporter = StateReporter(profile, Clock(), notice_seconds=0.05)
    await reporter.message_arrived()
    await reporter.message_arrived()
    assert [p["messages_received"] for p in profile.sent] == [1]
    await asyncio.sleep(0.3)
    assert [p["messages_received"] for p in profile.sent] == [1, 2]


async def test_a_message_right_after_connecting_is_sent_at_once() -> None:
    profile = Profile()
    reporter = StateReporter(profile, Clock())
    await reporter.socket(True)
    await reporter.message_arrived()
    assert [p["messages_received"] for p in profile.sent] == [0, 1]
    assert profile.sent[-1]["last_message_at"] is not None
