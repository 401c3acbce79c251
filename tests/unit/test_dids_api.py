"""`GET/POST /api/dids`: validation errors are clear JSON, good bodies make DIDs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.unit.offer_fakes import FakeHolderAdmin
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving


@pytest.fixture
async def call(tmp_path: Path) -> AsyncIterator[Any]:
    admin = FakeHolderAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False)
    async with serving(services) as (server, _ui):

        async def api(method: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            url = f"http://127.0.0.1:{server.port}/api/dids"
            if body is not None:
                kwargs["json"] = body
            async with aiohttp.ClientSession(headers=headers) as session:
                async with session.request(method, url, **kwargs) as response:
                    return response.status, await response.json()

        api.admin = admin  # type: ignore[attr-defined]
        yield api
    await close_services(services)
    await admin.close()


async def test_post_makes_a_did_and_get_lists_it(call) -> None:
    status, did = await call("POST", {"method": "key", "key_type": "bls12381g2"})
    assert status == 201 and did["key_type"] == "bls12381g2" and did["method"] == "key"
    status, body = await call("GET")
    assert status == 200 and [d["did"] for d in body["dids"]] == [did["did"]]


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"method": "web"}, 422, "invalid_body", "method"),
        ({"method": "key", "key_type": "p256"}, 422, "invalid_body", "key_type"),
        ({"method": "key", "seed": "x"}, 422, "invalid_body", "seed"),
        ({}, 422, "invalid_body", "method"),
        (["key"], 400, "invalid_body", "JSON object"),
        ({"method": "peer", "key_type": "bls12381g2"}, 422, "did_not_created", "ed25519 keys only"),
    ],
)
async def test_bad_bodies_are_clear_errors(call, body, status, code, words) -> None:
    got_status, answer = await call("POST", body)
    assert (got_status, answer["error"]["code"]) == (status, code)
    assert words in answer["error"]["detail"]
    assert answer["error"]["message"] and answer["error"]["hint"]
    assert call.admin.created_dids == []


async def test_a_body_that_is_not_json_is_400(call) -> None:
    status, answer = await call("POST", data="method=key", headers={"Content-Type": "text/plain"})
    assert (status, answer["error"]["code"]) == (400, "invalid_json")
    assert "key_type" in answer["error"]["detail"]
