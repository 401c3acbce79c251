from __future__ import annotations

import asyncio

import aiohttp

from agent.events import AgentEvent, EventBus
from agent.webhooks import WebhookReceiver


async def test_bus_fans_out_to_every_subscriber() -> None:
    bus = EventBus()
    async with bus.subscribe() as first, bus.subscribe() as second:
        bus.publish(AgentEvent(topic="connections", payload={"state": "active"}))
        assert (await first.get()).payload == {"state": "active"}
        assert (await second.get()).topic == "connections"
    assert bus.subscriber_count == 0


async def test_a_full_subscriber_does_not_block_publishing() -> None:
    bus = EventBus(queue_size=1)
    async with bus.subscribe() as queue:
        bus.publish(AgentEvent(topic="a"))
        bus.publish(AgentEvent(topic="b"))
        assert queue.qsize() == 1
        assert (await queue.get()).topic == "a"


async def _post(url: str, key: str | None, body: object = None) -> int:
    headers = {"x-api-key": key} if key is not None else {}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body or {"state": "x"}, headers=headers) as response:
            return response.status


async def test_webhook_with_the_secret_becomes_an_event() -> None:
    bus = EventBus()
    receiver = WebhookReceiver(bus, "s3cret")
    await receiver.start()
    try:
        async with bus.subscribe() as queue:
            url = f"{receiver.url}/topic/present_proof_v2_0/"
            assert await _post(url, "s3cret", {"pres_ex_id": "p1"}) == 200
            event = await asyncio.wait_for(queue.get(), 5)
        assert (event.topic, event.payload) == ("present_proof_v2_0", {"pres_ex_id": "p1"})
    finally:
        await receiver.stop()


async def test_webhook_without_or_with_a_wrong_secret_is_refused() -> None:
    bus = EventBus()
    receiver = WebhookReceiver(bus, "s3cret")
    await receiver.start()
    try:
        async with bus.subscribe() as queue:
            url = f"{receiver.url}/topic/connections/"
            assert await _post(url, None) == 403
            assert await _post(url, "s3cre") == 403
            assert await _post(url, "s3cret-and-more") == 403
            assert queue.empty()
        assert receiver.received == 0
    finally:
        await receiver.stop()


async def test_webhook_rejects_odd_topics_and_bodies() -> None:
    receiver = WebhookReceiver(EventBus(), "k")
    await receiver.start()
    try:
        assert await _post(f"{receiver.url}/topic/Bad-Topic/", "k") == 400
        assert await _post(f"{receiver.url}/topic/ok/", "k", [1, 2]) == 400
    finally:
        await receiver.stop()
