"""The /api/credentials handlers: parameters, errors and shapes (real index, fake holder)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.unit.test_credential_sync import World, world  # noqa: F401  (fixture)
from ui.web import credentials_api
from ui.web.errors import errors_middleware
from ui.web.services import SERVICES_KEY


@pytest.fixture
async def api(world: World) -> AsyncIterator[TestClient]:  # noqa: F811
    world.holder.add_w3c("w1", "Data Literacy", "2025-05-01T00:00:00Z")
    world.holder.add_w3c("w2", "Welding", "2025-06-01T00:00:00Z")
    world.holder.add_anoncreds("a1", cred_rev_id=None, learner_name="Alice")
    await world.credentials.reconcile()
    app = web.Application(middlewares=[errors_middleware()])
    services: Any = type("Services", (), {"credentials": world.credentials})()
    app[SERVICES_KEY] = services
    credentials_api.register(app.router)
    async with TestClient(TestServer(app)) as client:
        yield client


async def body(client: TestClient, method: str, path: str, status: int) -> Any:
    response = await client.request(method, path)
    assert response.status == status, await response.text()
    return await response.json()


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=x", "offset=-1", "format=indy", "sort=new", "q=a",
     "limit=1&limit=2", "sort=received&q=data", "sort=received&format=w3c", "order=received"],
)  # fmt: skip
async def test_bad_parameters_are_400_json(api: TestClient, query: str) -> None:
    error = (await body(api, "GET", f"/api/credentials?{query}", 400))["error"]
    assert error["code"] in {"bad_parameter", "bad_search"} and error["message"] and error["hint"]


async def test_list_page_filters_and_search(api: TestClient) -> None:
    page = await body(api, "GET", "/api/credentials", 200)
    assert (page["total"], page["limit"], page["offset"]) == (3, 20, 0)
    assert [item["id"] for item in page["items"]][:2] == ["w3c:w2", "w3c:w1"]
    assert all(item["raw"] is None for item in page["items"])
    page = await body(api, "GET", "/api/credentials?limit=1&offset=1&format=w3c", 200)
    assert [item["id"] for item in page["items"]] == ["w3c:w1"] and page["total"] == 2
    page = await body(api, "GET", "/api/credentials?q=ALI&format=", 200)
    assert [item["id"] for item in page["items"]] == ["anoncreds:a1"]
    issuer = "did:key:z6MkIssuer"
    page = await body(api, "GET", f"/api/credentials?issuer={issuer}", 200)
    assert page["total"] == 2
    page = await body(api, "GET", "/api/credentials?sort=received&limit=2", 200)
    assert page["total"] == 3 and len(page["items"]) == 2


async def test_get_one_and_delete(api: TestClient) -> None:
    one = await body(api, "GET", "/api/credentials/anoncreds:a1", 200)
    assert one["schema_name"] == "Course result" and one["raw"]["attrs"] == {
        "learner_name": "Alice"
    }
    assert (await body(api, "DELETE", "/api/credentials/w3c:w1", 200))["deleted"] is True
    for method in ("GET", "DELETE"):
        error = (await body(api, method, "/api/credentials/w3c:w1", 404))["error"]
        assert error["code"] == "credential_not_found"
    assert (await body(api, "GET", "/api/credentials/nonsense", 404))["error"]["hint"]
