"""What the learner sees of delivery through the mediator (issue #15, point 7)."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import aiohttp
import aiohttp.web
import pytest

from agent.events import AgentEvent
from config.settings import WalletSettings
from demo.peer_agent import poll_until
from protocols.delivery import (
    DELIVERY_TOPIC,
    PLUGIN_STATUS_ROUTE,
    PLUGIN_TOPIC,
    delivery_flow,
    initial_status,
    status_of,
    updated,
)
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving

MEDIATOR = "https://mediator.example/?oob=" + base64.urlsafe_b64encode(
    json.dumps(
        {
            "@type": "https://didcomm.org/out-of-band/1.1/invitation",
            "@id": "5d1f4c1e-0000-4000-8000-00000000abcd",
            "label": "Campus Mediator",
            "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
            "services": [
                {
                    "id": "#inline",
                    "type": "did-communication",
                    "recipientKeys": ["did:key:z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V"],
                    "serviceEndpoint": "wss://mediator.example/ws",
                }
            ],
        }
    ).encode()
).decode().rstrip("=")


def test_pickup_starts_connecting_to_the_named_mediator_and_direct_has_no_socket() -> None:
    pickup = initial_status(WalletSettings(mediator_invitation=MEDIATOR))
    assert (pickup.mode, pickup.mediator, pickup.state) == (
        "pickup",
        "Campus Mediator",
        "connecting",
    )
    direct = initial_status(WalletSettings())
    assert (direct.mode, direct.mediator, direct.state) == ("direct", None, None)


def test_reports_change_the_state_and_keep_the_newest_message_time() -> None:
    status = initial_status(WalletSettings(mediator_invitation=MEDIATOR))
    connected = updated(status, {"state": "connected", "last_message_at": "2026-12-07T10:00:00Z"})
    assert connected.state == "connected" and connected.changed_at >= status.changed_at
    older = updated(connected, {"state": "connected", "last_message_at": "2026-12-07T09:00:00Z"})
    assert older is connected  # nothing new: the same status
    assert updated(connected, {"state": "sleeping"}) is connected  # unknown states ignored
    assert updated(connected, {"state": "offline"}).last_message_at == connected.last_message_at


async def test_the_flow_announces_each_change_of_state_once(tmp_path: Path) -> None:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(
        admin_api.url, tmp_path, with_store=False, mediator_invitation=MEDIATOR
    )
    flow = asyncio.create_task(delivery_flow(services))
    try:
        async with services.bus.subscribe() as queue:

            async def flow_listens() -> bool:
                return services.bus.subscriber_count == 2

            await poll_until("the delivery flow to subscribe", flow_listens, 5)
            for state in ("connected", "connected", "offline"):
                services.bus.publish(AgentEvent(topic=PLUGIN_TOPIC, payload={"state": state}))
            announced = []
            while len(announced) < 2:
                event = await asyncio.wait_for(queue.get(), 5)
                if event.topic == DELIVERY_TOPIC:
                    announced.append(event.payload["state"])
        assert announced == ["connected", "offline"]
        assert status_of(services).state == "offline"
    finally:
        flow.cancel()
        await close_services(services)
        await admin_api.close()


class PluginAdminApi(FakeAdminApi):
    """The pickup plugin's status route, as a wallet connected before its controller listened."""

    def add_routes(self, app: aiohttp.web.Application) -> None:
        async def pickup_state(_request: aiohttp.web.Request) -> aiohttp.web.Response:
            return aiohttp.web.json_response(
                {"state": "connected", "last_message_at": "2026-12-07T10:00:00+00:00"}
            )

        app.router.add_get(PLUGIN_STATUS_ROUTE, pickup_state)


async def test_the_flow_catches_up_with_a_socket_that_came_up_before_it_listened(
    tmp_path: Path,
) -> None:
    admin_api = PluginAdminApi()
    await admin_api.start()
    services = await make_services(
        admin_api.url, tmp_path, with_store=False, mediator_invitation=MEDIATOR
    )
    flow = asyncio.create_task(delivery_flow(services))
    try:

        async def connected() -> bool:
            return status_of(services).state == "connected"

        await poll_until("the state read from the plugin's route", connected, 5)
        assert status_of(services).last_message_at is not None
        assert f"GET {PLUGIN_STATUS_ROUTE}" in admin_api.calls
    finally:
        flow.cancel()
        await close_services(services)
        await admin_api.close()


async def test_direct_delivery_does_not_ask_the_plugin(tmp_path: Path) -> None:
    admin_api = PluginAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=False)
    flow = asyncio.create_task(delivery_flow(services))
    try:

        async def flow_listens() -> bool:
            return services.bus.subscriber_count == 1

        await poll_until("the delivery flow to subscribe", flow_listens, 5)
        await asyncio.sleep(0.2)
        assert status_of(services).state is None
        assert f"GET {PLUGIN_STATUS_ROUTE}" not in admin_api.calls
    finally:
        flow.cancel()
        await close_services(services)
        await admin_api.close()


@pytest.mark.parametrize(("mediator", "shown"), [(MEDIATOR, True), (None, False)])
async def test_status_api_and_every_page_show_delivery(
    tmp_path: Path, mediator: str | None, shown: bool
) -> None:
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(
        admin_api.url, tmp_path, with_store=False, mediator_invitation=mediator
    )
    if mediator:
        services.delivery = updated(status_of(services), {"state": "offline"})
    try:
        async with serving(services) as (server, ui):
            base = f"http://127.0.0.1:{server.port}"
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with aiohttp.ClientSession(headers=headers) as api:
                async with api.get(f"{base}/api/status") as response:
                    delivery = (await response.json())["delivery"]
            assert delivery["mode"] == ("pickup" if shown else "direct")
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as browser:
                async with browser.get(f"{base}/login?code={ui.login_code}") as page:
                    home = await page.text()
                jar.update_cookies({"lw_lang": "de"})
                async with browser.get(f"{base}/history") as page:
                    history = await page.text()
        if shown:
            assert delivery["mediator"] == "Campus Mediator" and delivery["state"] == "offline"
            assert "Messages wait at Campus Mediator until you are back online." in home
            assert "Nachrichten warten bei Campus Mediator, bis Sie wieder online sind." in history
        else:
            assert 'data-live-part="delivery"' not in home + history
    finally:
        await close_services(services)
        await admin_api.close()
