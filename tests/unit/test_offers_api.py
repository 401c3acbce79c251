"""The offers JSON API: shapes, and clear JSON errors for what cannot be done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.unit.offer_fakes import FakeHolderAdmin, anoncreds_record, detail, ld_record
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving


class Api:
    def __init__(self, server: TestServer, admin: FakeHolderAdmin) -> None:
        self.server = server
        self.admin = admin

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        url = f"http://127.0.0.1:{self.server.port}{path}"
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.request(method, url, **kwargs) as response:
                return response.status, await response.json()


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    admin = FakeHolderAdmin()
    await admin.start()
    admin.connections.append({"connection_id": "conn-1", "their_label": "Open Learning"})
    services = await make_services(admin.url, tmp_path)
    async with serving(services) as (server, _ui):
        yield Api(server, admin)
    await close_services(services)
    await admin.close()


async def test_list_and_show_an_offer(api: Api) -> None:
    api.admin.offer(detail(anoncreds_record("a1")))
    status, body = await api.call("GET", "/api/offers")
    assert status == 200
    [offer] = body["offers"]
    assert (offer["id"], offer["state"], offer["issuer_label"]) == (
        "a1",
        "pending",
        "Open Learning",
    )
    status, shown = await api.call("GET", "/api/offers/a1")
    assert status == 200 and shown["values"][0] == {
        "name": "course_title",
        "value": "Data Literacy Foundations",
    }


async def test_accept_then_accept_again_is_409(api: Api) -> None:
    api.admin.offer(detail(ld_record("l1", "Ed25519Signature2020")))
    status, offer = await api.call("POST", "/api/offers/l1/accept")
    assert (status, offer["state"]) == (200, "accepted")
    # An issuer the wallet does not know to bind: requested as offered (issuance/binding.py).
    assert offer["holder_did"] is None and api.admin.requests == [("l1", {})]
    status, body = await api.call("POST", "/api/offers/l1/accept")
    assert status == 409
    assert body["error"]["code"] == "offer_not_pending"
    assert body["error"]["message"] == "This offer has already been answered."
    assert "it is accepted" in body["error"]["detail"]


async def test_unknown_offer_is_404_with_a_hint(api: Api) -> None:
    for method, path in (("GET", "/api/offers/nope"), ("POST", "/api/offers/nope/accept")):
        status, body = await api.call(method, path)
        assert status == 404
        assert body["error"]["code"] == "offer_not_found"
        assert "Home page" in body["error"]["hint"]


async def test_decline_with_and_without_a_reason(api: Api) -> None:
    api.admin.offer(detail(ld_record("l1")))
    api.admin.offer(detail(ld_record("l2")))
    status, offer = await api.call("POST", "/api/offers/l1/decline", json={"reason": "wrong name"})
    assert (status, offer["state"], offer["decline_reason"]) == (200, "declined", "wrong name")
    status, offer = await api.call("POST", "/api/offers/l2/decline")
    assert (status, offer["decline_reason"]) == (200, "declined by the learner")
    assert api.admin.problem_reports == [("l1", "wrong name"), ("l2", "declined by the learner")]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"data": "not json", "headers": {"Content-Type": "application/json"}}, "invalid_json"),
        ({"json": ["reason"]}, "invalid_body"),
        ({"json": {"reason": "x" * 501}}, "invalid_body"),
        ({"json": {"reason": "ok", "extra": 1}}, "invalid_body"),
    ],
)
async def test_bad_decline_bodies_are_clear_errors_and_change_nothing(api, kwargs, code) -> None:
    api.admin.offer(detail(ld_record("l1")))
    status, body = await api.call("POST", "/api/offers/l1/decline", **kwargs)
    assert status in (400, 422)
    assert body["error"]["code"] == code
    assert api.admin.problem_reports == []
    assert (await api.call("GET", "/api/offers/l1"))[1]["state"] == "pending"


@pytest.mark.parametrize(
    ("query", "code"),
    [("limit=0", "invalid_limit"), ("limit=x", "invalid_limit"), ("state=odd", "invalid_state")],
)
async def test_bad_list_queries_are_400(api: Api, query: str, code: str) -> None:
    status, body = await api.call("GET", f"/api/offers?{query}")
    assert (status, body["error"]["code"]) == (400, code)
