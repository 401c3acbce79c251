"""Basic messages, renaming and deleting connections (issue #18 point 4), over a fake admin API.

ACA-Py is faked at the HTTP boundary: it serves connection records, records what
`send-message` was asked to send and what was deleted. The controller store is a real Askar
store, the web app the real one.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aries_askar import Store

from agent.events import AgentEvent, EventBus
from config.data_dir import DataDir
from protocols.connections.names import ConnectionNames
from protocols.messages.book import MessageBook
from protocols.messages.inbound import RECEIVED_TOPIC, messages_flow
from protocols.messages.models import MAX_TEXT, BasicMessage
from protocols.peers import connection_cache
from protocols.wallet_services import WalletServices
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.security import UiSecrets
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletSecret

API = {"Authorization": f"Bearer {TOKEN}"}
SECRET_TEXT = "Your interview is on Tuesday at 10:00, room 4.12 (private!)"


class MessagingAdminApi(FakeAdminApi):
    """The fake admin API plus one connection's routes and `send-message`."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []
        self.deleted: list[str] = []
        self.send_status = 200
        self.bus: EventBus | None = None  # where ACA-Py's `deleted` webhook goes, if set

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/connections/{conn_id}", self._connection)
        app.router.add_delete("/connections/{conn_id}", self._delete)
        app.router.add_post("/connections/{conn_id}/send-message", self._send)

    def connection(self, state: str = "active", label: str = "Example University") -> str:
        connection_id = str(uuid.uuid4())
        self.connections.append(
            {
                "connection_id": connection_id,
                "state": state,
                "their_label": label,
                "their_did": "did:peer:4zQmTheirPeerDid",
                "created_at": "2026-01-05T10:00:00Z",
            }
        )
        return connection_id

    def _find(self, connection_id: str) -> dict[str, Any] | None:
        return next((c for c in self.connections if c["connection_id"] == connection_id), None)

    async def _connection(self, request: web.Request) -> web.Response:
        record = self._find(request.match_info["conn_id"])
        if record is None:
            return web.Response(status=404, text="Record not found")
        return web.json_response(record)

    async def _delete(self, request: web.Request) -> web.Response:
        record = self._find(request.match_info["conn_id"])
        if record is None:
            return web.Response(status=404, text="Record not found")
        self.connections.remove(record)
        self.deleted.append(record["connection_id"])
        if self.bus is not None:  # ACA-Py sends the webhook before it answers
            payload = {"connection_id": record["connection_id"], "state": "deleted"}
            self.bus.publish(AgentEvent(topic="connections", payload=payload))
            await asyncio.sleep(0.05)  # the wallet's flows handle it first, as they may
        return web.json_response({})

    async def _send(self, request: web.Request) -> web.Response:
        if self.send_status != 200:
            return web.Response(status=self.send_status, text="outbound transport failed")
        body = await request.json()
        self.sent.append((request.match_info["conn_id"], body["content"]))
        return web.json_response({})


@pytest.fixture
async def wallet(tmp_path: Path) -> AsyncIterator[tuple[MessagingAdminApi, Any, WalletServices]]:
    admin = MessagingAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path)
    flow = asyncio.create_task(messages_flow(services))
    await asyncio.sleep(0)
    async with serving(services) as (server, ui):
        server.ui = ui  # type: ignore[attr-defined]  # for the browser-session test
        yield admin, server, services
    flow.cancel()
    await asyncio.gather(flow, return_exceptions=True)
    await close_services(services)
    await admin.close()


async def _call(server, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, json=body, headers=API) as response:
            return response.status, await response.json(content_type=None)


async def _page(server, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=API) as response:
            return response.status, await response.text()


def _webhook(connection_id: str, content: str, message_id: str | None = None) -> AgentEvent:
    """What ACA-Py 1.7's BasicMessageHandler notifies (topic `basicmessages`)."""
    return AgentEvent(
        topic="basicmessages",
        payload={
            "connection_id": connection_id,
            "message_id": message_id or str(uuid.uuid4()),
            "content": content,
            "state": "received",
            "sent_time": "2026-01-05 10:01:02.123456Z",
        },
    )


async def _until(check, what: str, within: float = 5.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def _messages(server, connection_id: str, **query: int) -> dict[str, Any]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    status, body = await _call(server, "GET", f"/api/connections/{connection_id}/messages?{params}")
    assert status == 200, body
    return body


async def test_a_received_message_is_kept_once_announced_without_its_text_and_read_later(
    wallet,
) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    async with services.bus.subscribe() as events:
        message_id = str(uuid.uuid4())
        services.bus.publish(_webhook(connection_id, SECRET_TEXT, message_id))
        services.bus.publish(_webhook(connection_id, SECRET_TEXT, message_id))  # a retry

        async def announced() -> AgentEvent | None:
            while not events.empty():
                event = events.get_nowait()
                if event.topic == RECEIVED_TOPIC:
                    return event
            return None

        event = await _until(announced, "the message_received event")
    assert event.payload["connection_id"] == connection_id
    assert SECRET_TEXT not in str(event.payload)
    await _until(lambda: _messages_if(server, connection_id), "the message to be listed")
    await asyncio.sleep(0.1)  # the duplicate had its chance to be stored
    page = await _messages(server, connection_id)
    assert [(m["direction"], m["text"], m["read"]) for m in page["messages"]] == [
        ("received", SECRET_TEXT, False)
    ]
    assert (page["total"], page["unread"]) == (1, 1)

    status, unread = await _call(server, "GET", "/api/messages/unread")
    assert status == 200
    assert unread["total"] == 1
    assert unread["conversations"][0]["label"] == "Example University"
    status, listing = await _call(server, "GET", "/api/connections")
    assert [c["unread"] for c in listing["connections"]] == [1]

    status, marked = await _call(server, "POST", f"/api/connections/{connection_id}/messages/read")
    assert (status, marked) == (200, {"marked": 1})
    page = await _messages(server, connection_id)
    assert (page["unread"], page["messages"][0]["read"]) == (0, True)
    assert (await _call(server, "GET", "/api/messages/unread"))[1]["total"] == 0


async def test_a_message_longer_than_the_bound_is_cut_and_says_so(wallet) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    services.bus.publish(_webhook(connection_id, "x" * (MAX_TEXT + 500)))
    page = await _until(
        lambda: _messages_if(server, connection_id), "the long message to be listed"
    )
    message = page["messages"][0]
    assert (len(message["text"]), message["cut"]) == (MAX_TEXT, True)


async def _messages_if(server, connection_id: str) -> dict[str, Any] | None:
    page = await _messages(server, connection_id)
    return page if page["messages"] else None


async def test_replies_are_sent_through_acapy_and_kept_as_sent(wallet) -> None:
    admin, server, _services = wallet
    connection_id = admin.connection()
    status, sent = await _call(
        server, "POST", f"/api/connections/{connection_id}/messages", {"text": "  Thank you!\n"}
    )
    assert status == 201, sent
    assert admin.sent == [(connection_id, "Thank you!")]
    page = await _messages(server, connection_id)
    assert [(m["direction"], m["text"], m["read"]) for m in page["messages"]] == [
        ("sent", "Thank you!", True)
    ]
    assert page["messages"][0]["id"] == sent["id"]


@pytest.mark.parametrize(
    ("text", "state", "status", "code"),
    [
        ("   \n ", "active", 422, "message_empty"),
        ("x" * (MAX_TEXT + 1), "active", 413, "message_too_long"),
        ("bell \x07", "active", 422, "message_not_plain"),
        ("Hello", "request", 409, "connection_not_active"),
    ],
)
async def test_a_reply_that_cannot_go_gets_a_precise_error_and_sends_nothing(
    wallet, text: str, state: str, status: int, code: str
) -> None:
    admin, server, _services = wallet
    connection_id = admin.connection(state=state)
    answer = await _call(
        server, "POST", f"/api/connections/{connection_id}/messages", {"text": text}
    )
    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert answer[1]["error"]["message"] and answer[1]["error"]["hint"]
    assert admin.sent == []
    assert (await _messages(server, connection_id))["total"] == 0


async def test_a_reply_to_an_unknown_connection_or_a_failing_agent_says_which(wallet) -> None:
    admin, server, _services = wallet
    status, body = await _call(
        server, "POST", f"/api/connections/{uuid.uuid4()}/messages", {"text": "Hello"}
    )
    assert (status, body["error"]["code"]) == (404, "connection_not_found")
    status, body = await _call(server, "POST", "/api/connections/x/messages", {"nope": "Hello"})
    assert (status, body["error"]["code"]) == (422, "invalid_body")

    connection_id = admin.connection()
    admin.send_status = 500
    status, body = await _call(
        server, "POST", f"/api/connections/{connection_id}/messages", {"text": "Hello"}
    )
    assert (status, body["error"]["code"]) == (502, "message_not_sent")
    assert "outbound transport failed" in body["error"]["detail"]
    assert (await _messages(server, connection_id))["total"] == 0


async def test_message_texts_never_reach_the_log(wallet, caplog) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    caplog.set_level(logging.DEBUG)
    services.bus.publish(_webhook(connection_id, SECRET_TEXT))
    await _until(lambda: _messages_if(server, connection_id), "the message")
    await _call(server, "POST", f"/api/connections/{connection_id}/messages", {"text": SECRET_TEXT})
    admin.send_status = 500
    await _call(server, "POST", f"/api/connections/{connection_id}/messages", {"text": SECRET_TEXT})
    logged = [record.getMessage() for record in caplog.records]
    assert any("kept from connection" in line for line in logged)  # the log was captured
    assert not [line for line in logged if "interview" in line]


async def test_pages_of_a_conversation_count_back_from_the_newest(tmp_path: Path) -> None:
    store = await ControllerStore.open(DataDir(tmp_path), _secret())
    book = MessageBook(store)
    for number in range(120):
        await book.add(BasicMessage(connection_id="c1", direction="sent", text=f"m{number}"))
    await book.add(BasicMessage(connection_id="c2", direction="sent", text="other"))
    latest = await book.page("c1", limit=50)
    assert [m.text for m in latest.messages] == [f"m{n}" for n in range(70, 120)]
    assert (latest.total, latest.offset) == (120, 0)
    oldest = await book.page("c1", limit=50, offset=100)
    assert [m.text for m in oldest.messages] == [f"m{n}" for n in range(20)]
    assert await book.forget("c1") == 120
    assert (await book.page("c1")).total == 0
    assert (await book.page("c2")).total == 1
    await store.close()


async def test_messages_and_names_survive_reopening_the_store(tmp_path: Path) -> None:
    secret = _secret()
    store = await ControllerStore.open(DataDir(tmp_path), secret)
    await MessageBook(store).add(
        BasicMessage(connection_id="c1", direction="received", text=SECRET_TEXT), "in-1"
    )
    await ConnectionNames(store).rename("c1", "  My   university ")
    await store.close()
    store = await ControllerStore.open(DataDir(tmp_path), secret)
    page = await MessageBook(store).page("c1")
    assert [(m.text, m.read) for m in page.messages] == [(SECRET_TEXT, False)]
    assert await ConnectionNames(store).all() == {"c1": "My university"}
    files = list(DataDir(tmp_path).controller_store.iterdir())
    assert files and not [f for f in files if b"interview" in f.read_bytes()]  # encrypted
    await store.close()


async def test_a_renamed_connection_shows_the_learner_s_name_everywhere(wallet) -> None:
    admin, server, services = wallet
    connection_id = admin.connection(label="Example University Admissions Bot")
    path = f"/api/connections/{connection_id}"
    status, view = await _call(server, "PATCH", path, {"name": " My university "})
    assert status == 200, view
    assert (view["label"], view["name"]) == ("My university", "My university")
    assert view["their_label"] == "Example University Admissions Bot"
    listing = (await _call(server, "GET", "/api/connections"))[1]["connections"]
    assert [c["label"] for c in listing] == ["My university"]
    assert (await _call(server, "GET", path))[1]["label"] == "My university"
    # Offers, credentials and proof requests name their peer through the cache.
    assert await connection_cache(services).label(connection_id) == "My university"
    assert await ConnectionNames(services.store).all() == {connection_id: "My university"}

    for name, reason in (("   ", "empty"), ("x" * 101, "too_long"), ("a\x1bb", "not_plain")):
        status, body = await _call(server, "PATCH", path, {"name": name})
        assert (status, body["error"]["code"]) == (422, "connection_name_invalid"), name
        assert body["error"]["message"] != "This name cannot be used.", reason  # the finer one

    status, view = await _call(server, "PATCH", path, {"name": None})
    assert (status, view["label"], view["name"]) == (200, "Example University Admissions Bot", None)
    assert await connection_cache(services).label(connection_id) == (
        "Example University Admissions Bot"
    )
    status, body = await _call(server, "PATCH", f"/api/connections/{uuid.uuid4()}", {"name": "A"})
    assert (status, body["error"]["code"]) == (404, "connection_not_found")


async def test_names_are_shown_again_after_a_restart(tmp_path: Path) -> None:
    admin = MessagingAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path)
    connection_id = admin.connection()
    assert services.store is not None
    await ConnectionNames(services.store).rename(connection_id, "My university")
    flow = asyncio.create_task(messages_flow(services))  # as at start-up
    try:
        await _until(
            lambda: _named(services, connection_id), "the flow to load the learner's names"
        )
    finally:
        flow.cancel()
        await asyncio.gather(flow, return_exceptions=True)
        await close_services(services)
        await admin.close()


async def _named(services: WalletServices, connection_id: str) -> bool:
    return await connection_cache(services).label(connection_id) == "My university"


async def test_deleting_a_connection_removes_it_its_messages_and_its_name(wallet) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    other = admin.connection(label="Other College")
    services.bus.publish(_webhook(connection_id, "hello"))
    services.bus.publish(_webhook(other, "hi"))
    await _until(lambda: _messages_if(server, connection_id), "the message")
    await _until(lambda: _messages_if(server, other), "the other message")
    await _call(server, "PATCH", f"/api/connections/{connection_id}", {"name": "Mine"})

    admin.bus = services.bus
    status, body = await _call(server, "DELETE", f"/api/connections/{connection_id}")
    assert (status, body) == (200, {"deleted": connection_id, "messages_removed": 1})
    assert admin.deleted == [connection_id]
    assert services.store is not None
    assert (await MessageBook(services.store).page(connection_id)).total == 0
    assert (await MessageBook(services.store).page(other)).total == 1
    assert await ConnectionNames(services.store).all() == {}
    listing = (await _call(server, "GET", "/api/connections"))[1]["connections"]
    assert [c["id"] for c in listing] == [other]
    status, body = await _call(server, "GET", f"/api/connections/{connection_id}/messages")
    assert (status, body["error"]["code"]) == (404, "connection_not_found")
    status, body = await _call(server, "DELETE", f"/api/connections/{connection_id}")
    assert (status, body["error"]["code"]) == (404, "connection_not_found")


async def test_a_connection_deleted_elsewhere_takes_its_messages_along(wallet) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    services.bus.publish(_webhook(connection_id, "hello"))
    await _until(lambda: _messages_if(server, connection_id), "the message")
    assert services.store is not None
    book = MessageBook(services.store)
    services.bus.publish(
        AgentEvent(
            topic="connections", payload={"connection_id": connection_id, "state": "deleted"}
        )
    )

    async def gone() -> bool:
        return (await book.page(connection_id)).total == 0

    await _until(gone, "the conversation to be forgotten")


async def test_the_connection_page_shows_the_conversation_reply_rename_and_delete(wallet) -> None:
    admin, server, services = wallet
    connection_id = admin.connection()
    services.bus.publish(_webhook(connection_id, "<script>alert(1)</script> Welcome!"))
    await _until(lambda: _messages_if(server, connection_id), "the message")
    status, html = await _page(server, f"/connections/{connection_id}")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Welcome!" in html
    assert "<script>alert" not in html
    assert 'id="reply-form"' in html and 'id="rename-form"' in html
    assert "Credentials you received from them stay in your wallet" in html
    assert "you need a new invitation" in html
    main_text = html.split('<details class="raw">')[0]
    assert "did:peer:4zQmTheirPeerDid" not in main_text  # DIDs only under technical details
    assert 'src="/static/conversation.js"' in html and "<script>" not in html

    status, html = await _page(server, "/connections")
    assert f'href="/connections/{connection_id}"' in html
    assert "1 new message" in html
    status, html = await _page(server, "/")
    assert "New message from Example University" in html

    admin.connections[0]["state"] = "request"
    connection_cache(services).forget(connection_id)
    status, html = await _page(server, f"/connections/{connection_id}")
    assert 'id="reply-form"' not in html and 'id="not-active"' in html

    status, html = await _page(server, f"/connections/{uuid.uuid4()}")
    assert status == 404


async def test_a_browser_session_needs_our_origin_and_the_csrf_token_to_send(wallet) -> None:
    admin, server, _services = wallet
    connection_id = admin.connection()
    ui: UiSecrets = server.ui
    base = f"http://127.0.0.1:{server.port}"
    url = f"{base}/api/connections/{connection_id}/messages"
    jar = aiohttp.CookieJar(unsafe=True)  # the session cookie of a loopback address
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        await session.get(f"{base}/login?code={ui.login_code}")
        csrf = next(iter(ui.sessions.values()))
        for headers, code in (
            ({"Origin": base}, "csrf"),
            ({"Origin": "http://evil.example", "X-CSRF-Token": csrf}, "bad_origin"),
        ):
            async with session.post(url, json={"text": "hi"}, headers=headers) as response:
                assert response.status == 403
                assert (await response.json())["error"]["code"] == code
        assert admin.sent == []
        headers = {"Origin": base, "X-CSRF-Token": csrf}
        async with session.post(url, json={"text": "hi"}, headers=headers) as response:
            assert response.status == 201
    assert admin.sent == [(connection_id, "hi")]


def _secret() -> WalletSecret:
    return WalletSecret(key=Store.generate_raw_key(), derivation="RAW")
