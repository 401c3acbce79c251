"""Short invitation links against a small local HTTP server: answers, redirects, limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from protocols.connections import short_link
from protocols.connections.errors import InvitationError
from protocols.connections.invitation import MAX_INVITATION_BYTES, Invitation
from tests.unit.test_invitation_parsing import b64url, oob


def _app() -> web.Application:
    async def as_json(request: web.Request) -> web.Response:
        return web.json_response(oob(label="Short Link Issuer"))

    async def redirect_to_oob(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"https://elsewhere.example/landing?oob={b64url(oob())}")

    async def hop(request: web.Request) -> web.Response:
        remaining = int(request.match_info["n"])
        raise web.HTTPFound("/json" if remaining == 0 else f"/hop/{remaining - 1}")

    async def huge(request: web.Request) -> web.Response:
        return web.Response(text=json.dumps(oob(label="x" * (MAX_INVITATION_BYTES * 2))))

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response(oob())

    async def missing(request: web.Request) -> web.Response:
        raise web.HTTPNotFound()

    async def to_ftp(request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://elsewhere.example/i")

    app = web.Application()
    app.router.add_get("/json", as_json)
    app.router.add_get("/redirect", redirect_to_oob)
    app.router.add_get("/hop/{n}", hop)
    app.router.add_get("/huge", huge)
    app.router.add_get("/slow", slow)
    app.router.add_get("/missing", missing)
    app.router.add_get("/ftp", to_ftp)
    return app


@pytest_asyncio.fixture
async def server() -> AsyncIterator[str]:
    test_server = TestServer(_app(), host="127.0.0.1")
    await test_server.start_server()
    yield str(test_server.make_url("")).rstrip("/")
    await test_server.close()


async def test_link_answering_json(server: str) -> None:
    invitation = await short_link.resolve_invitation(f"{server}/json")
    assert isinstance(invitation, Invitation) and invitation.label == "Short Link Issuer"


async def test_link_redirecting_to_an_oob_url_is_read_without_following(server: str) -> None:
    invitation = await short_link.resolve_invitation(f"{server}/redirect")
    assert invitation.label == "Open Learning Institute"


async def test_three_redirects_are_followed_four_are_refused(server: str) -> None:
    assert (await short_link.resolve_invitation(f"{server}/hop/2")).label
    with pytest.raises(InvitationError) as caught:
        await short_link.resolve_invitation(f"{server}/hop/3")
    assert caught.value.code == "short_link_failed"
    assert "more than 3" in caught.value.detail


@pytest.mark.parametrize(
    ("path", "words"),
    [("/missing", "HTTP 404"), ("/ftp", "non-http")],
)
async def test_failing_links(server: str, path: str, words: str) -> None:
    with pytest.raises(InvitationError) as caught:
        await short_link.resolve_invitation(server + path)
    assert caught.value.code == "short_link_failed"
    assert words in caught.value.detail


async def test_oversized_answer(server: str) -> None:
    with pytest.raises(InvitationError) as caught:
        await short_link.resolve_invitation(f"{server}/huge")
    assert caught.value.code == "invitation_too_large"


async def test_slow_answer_times_out(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from aiohttp import ClientTimeout

    monkeypatch.setattr(short_link, "FETCH_TIMEOUT", ClientTimeout(total=0.3))
    with pytest.raises(InvitationError) as caught:
        await short_link.resolve_invitation(f"{server}/slow")
    assert "did not answer within 0.3 s" in caught.value.detail


async def test_nobody_listening() -> None:
    from agent.ports import free_port

    with pytest.raises(InvitationError) as caught:
        await short_link.resolve_invitation(f"http://127.0.0.1:{free_port()}/i/abc")
    assert caught.value.code == "short_link_failed"
    assert "could not be reached" in caught.value.detail
