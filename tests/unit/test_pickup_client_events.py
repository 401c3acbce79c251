"""The pickup client's event loop takes every event, also once a deadline has passed."""

from __future__ import annotations

import asyncio

from agent.plugins.pickup.client import next_event


async def test_an_event_waiting_is_taken_even_when_the_deadline_has_passed() -> None:
    """`wait_for(queue.get(), 0)` alone raises TimeoutError with an item waiting: a client
    whose deadline passed during a slow send never took the socket's `down` again."""
    events: asyncio.Queue[str] = asyncio.Queue()
    events.put_nowait("down")
    assert await next_event(events, 0.0) == "down"
    assert events.empty()


async def test_no_event_by_the_deadline_is_none() -> None:
    events: asyncio.Queue[str] = asyncio.Queue()
    assert await next_event(events, 0.0) is None
    assert await next_event(events, 0.01) is None


async def test_an_event_that_comes_while_waiting_is_taken() -> None:
    events: asyncio.Queue[str] = asyncio.Queue()
    asyncio.get_running_loop().call_later(0.01, events.put_nowait, "up")
    assert await next_event(events, None) == "up"
