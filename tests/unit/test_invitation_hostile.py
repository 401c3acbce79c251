"""Hostile invitations (issue #17 point 4): refused with a precise 4xx before ACA-Py sees them.

The parser is thrown thousands of generated invitations (mutations of a valid one: JSON
structure, field types, keys, endpoints, DIDs, attachments, unicode, sizes, and the ways a
link carries them). Whatever it accepts, ACA-Py's own invitation schema must accept too
(the oracle here is ACA-Py 1.7's `InvitationMessage` and `DIDKey`, imported by the test
only). The API tests check how an ACA-Py failure is reported, against a fake admin API.
No test touches the network.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from acapy_agent.protocols.out_of_band.v1_0.messages.invitation import InvitationMessage
from acapy_agent.protocols.out_of_band.v1_0.messages.service import Service
from acapy_agent.wallet.key_type import ED25519
from acapy_agent.wallet.util import b58_to_bytes
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.connections.errors import InvitationError
from protocols.connections.invitation import Invitation, ShortLink, parse_invitation
from protocols.connections.services import with_one_service
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.test_invitation_parsing import KEY, LEGACY_KEY, has_learner_words, oob
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving

VERKEY = "did:key:z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V"
X25519_KEY = "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"


def did_peer_2(service: Any, *elements: str) -> str:
    segment = base64.urlsafe_b64encode(json.dumps(service).encode()).decode().rstrip("=")
    parts = elements or (f"V{VERKEY[8:]}", f"E{X25519_KEY}")
    return "did:peer:2." + ".".join([*parts, f"S{segment}"])


GOOD_PEER_2 = did_peer_2({"t": "dm", "s": "http://127.0.0.1:8020", "a": ["didcomm/aip2;env=rfc19"]})


def refusal(text: str, **kwargs: Any) -> InvitationError:
    with pytest.raises(InvitationError) as caught:
        parse_invitation(text, **kwargs)
    error = caught.value
    assert 400 <= error.status < 500, (error.code, error.detail)
    assert has_learner_words(error), (error.code, error.reason)
    return error


def service(**changes: Any) -> dict[str, Any]:
    inline = {**oob()["services"][0], **changes}
    return {k: v for k, v in inline.items() if v is not None}


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("http://[::1", "malformed_invitation", "broken_link"),
        ("https://issuer.example:99999/i", "malformed_invitation", "broken_link"),
        ("https://issuer.example/?oob=", "malformed_invitation", "damaged"),
        ("https://issuer.example/?c_i=", "malformed_invitation", "damaged"),
        ("https://issuer.example/?oob=%20%20", "malformed_invitation", "damaged"),
        ("https://issuer.example/?oob", "malformed_invitation", "damaged"),
        ("https://issuer.example/?x=1&oob=&y=2", "malformed_invitation", "damaged"),
        ("https://issuer.example/?c_i=e30", "malformed_invitation", "incomplete"),
        ("https://\u202eissuer.example/i", "malformed_invitation", "not_invitation"),
        ("https://x.example/\ud800", "malformed_invitation", "damaged"),
    ],
)
def test_broken_links_and_empty_parameters_are_refused_without_a_fetch(
    text: str, code: str, reason: str
) -> None:
    error = refusal(text)
    assert (error.code, error.reason) == (code, reason), error.detail


def with_service(**changes: Any) -> str:
    return json.dumps(oob(services=[service(**changes)]))


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        (json.dumps(oob(**{"@id": 5})), "malformed_invitation", "invalid"),
        (json.dumps(oob(label=["a"])), "malformed_invitation", "invalid"),
        (json.dumps(oob(label="Uni\u202eytisrevinU")), "malformed_invitation", "invalid"),
        (json.dumps(oob(label="a\x00b")), "malformed_invitation", "invalid"),
        (json.dumps(oob(handshake_protocols="didexchange/1.1")), "malformed_invitation", "invalid"),
        (json.dumps(oob(handshake_protocols=[1])), "malformed_invitation", "invalid"),
        (json.dumps(oob(services=[service()] * 11)), "malformed_invitation", "invalid"),
        (json.dumps(oob(services=[7])), "malformed_invitation", "invalid"),
        (json.dumps(oob(goal=3, goal_code="x")), "malformed_invitation", "invalid"),
        (
            json.dumps(oob(**{"@type": "https://didcomm.org/xout-of-band/1.1/invitation"})),
            "malformed_invitation",
            "invalid",
        ),
        (with_service(recipientKeys=["did:key:zzzz"]), "malformed_invitation", "bad_key"),
        (
            with_service(recipientKeys=[f"did:key:z{X25519_KEY[1:]}"]),
            "malformed_invitation",
            "bad_key",
        ),
        (with_service(recipientKeys=[KEY + "#zOther"]), "malformed_invitation", "bad_key"),
        (with_service(recipientKeys=[12]), "malformed_invitation", "invalid"),
        (with_service(routingKeys=["0OIl"]), "malformed_invitation", "bad_key"),
        (with_service(routingKeys="k"), "malformed_invitation", "invalid"),
        (with_service(serviceEndpoint="http://[::1"), "malformed_invitation", "bad_address"),
        (with_service(serviceEndpoint="http://"), "malformed_invitation", "bad_address"),
        (with_service(serviceEndpoint="http://127.0.0.1:0"), "malformed_invitation", "bad_address"),
        (
            with_service(serviceEndpoint="https://a b.example"),
            "malformed_invitation",
            "bad_address",
        ),
        (
            with_service(serviceEndpoint="https://u:p@x.example"),
            "malformed_invitation",
            "bad_address",
        ),
        (
            with_service(serviceEndpoint="https://-x-.example"),
            "malformed_invitation",
            "bad_address",
        ),
        (with_service(serviceEndpoint="127.0.0.1:8020"), "malformed_invitation", "bad_address"),
        (with_service(serviceEndpoint=8020), "malformed_invitation", "invalid"),
        (with_service(serviceEndpoint="xmpp://127.0.0.1"), "unsupported_transport", None),
        (json.dumps(oob(services=["did:ion:EiA"])), "unsupported_protocol", "did_method"),
        (json.dumps(oob(services=[f"did:key:{VERKEY[8:]}"])), "unsupported_protocol", "did_method"),
        (
            json.dumps(oob(services=["did:sov:V4SGRU86Z58d6TV7PBUe6f"])),
            "unsupported_protocol",
            "did_method",
        ),
        (json.dumps(oob(services=["not a did"])), "malformed_invitation", "invalid"),
        (json.dumps(oob(services=["did:peer:4zShort"])), "malformed_invitation", "invalid"),
        (json.dumps(oob(services=["did:web:a b"])), "malformed_invitation", "invalid"),
        (
            json.dumps(oob(services=[did_peer_2({"t": "dm", "s": "http://[::1"})])),
            "malformed_invitation",
            "bad_address",
        ),
        (
            json.dumps(oob(services=[did_peer_2({"t": "dm"})])),
            "malformed_invitation",
            "incomplete",
        ),
        (
            json.dumps(oob(services=[did_peer_2({"s": "http://a.example"}, "Vz6Mkbad")])),
            "malformed_invitation",
            "bad_key",
        ),
        (
            json.dumps(oob(**{"requests~attach": [{"@id": "a", "data": {"json": {}}}]})),
            "unsupported_protocol",
            "attachments",
        ),
        (
            json.dumps(oob(**{"requests~attach": [{"data": {"base64": "%%%"}}]})),
            "malformed_invitation",
            "invalid",
        ),
        (json.dumps(oob(**{"requests~attach": ["x"]})), "malformed_invitation", "invalid"),
        (json.dumps(oob(**{"requests~attach": {"a": 1}})), "malformed_invitation", "invalid"),
    ],
)
def test_each_unusable_part_is_named(text: str, code: str, reason: str | None) -> None:
    error = refusal(text)
    assert (error.code, error.reason) == (code, reason), error.detail


def test_what_aca_py_reads_is_normalized_and_usable_addresses_pass() -> None:
    raw = parse_invitation(with_service(recipientKeys=[LEGACY_KEY], routingKeys=[VERKEY]))
    assert isinstance(raw, Invitation)
    aca_py_accepts(raw)
    for ok in (
        GOOD_PEER_2,
        "did:web:issuer.example",
        "did:web:127.0.0.1%3A8443:users:alice",
        did_peer_2({"t": "dm", "s": {"uri": "wss://m.example/ws"}}),
    ):
        parsed = parse_invitation(json.dumps(oob(services=[ok], imageUrl="http://localhost/x")))
        assert isinstance(parsed, Invitation) and parsed.services == [ok]
        assert parsed.image_url is None  # ACA-Py would refuse it; it only decorates
        aca_py_accepts(parsed)
    mixed = parse_invitation(
        json.dumps(oob(services=[service(serviceEndpoint="xmpp://a.example"), service()]))
    )
    assert isinstance(mixed, Invitation) and len(mixed.services) == 1
    indy = parse_invitation(json.dumps(oob(services=["V4SGRU86Z58d6TV7PBUe6f"])), ledger=True)
    assert isinstance(indy, Invitation)


def aca_py_accepts(invitation: Invitation) -> None:
    """ACA-Py 1.7's own reading of what the wallet would send it."""
    message = with_one_service(invitation).as_message()
    parsed = InvitationMessage.deserialize(message)
    assert len(parsed.services) == 1 and parsed.handshake_protocols
    for item in parsed.services:
        if isinstance(item, Service):
            for key in [*item.recipient_keys, *item.routing_keys]:
                fingerprint = key.split("#")[0][len("did:key:z") :]
                raw = b58_to_bytes(fingerprint)
                assert raw[:2] == ED25519.multicodec_prefix and len(raw) == 34, key
    json.dumps(message).encode("utf-8")  # writable as ACA-Py's request body


# Generated invitations: mutations of a valid one, in every way a link can carry them.

ODD_TEXT = st.sampled_from(
    ["", " ", "\x00", "\ud800", "\u202e", "\ufeff", "é", "\U0001f600", "%", "#", "a" * 300]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    ODD_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.one_of(
    st.sampled_from(
        [KEY, LEGACY_KEY, VERKEY, f"{KEY}#{KEY[8:]}", f"did:key:{X25519_KEY}", "did:key:z", "0OIl"]
    ),
    st.text(max_size=50),
)
BAD_HOSTS = ["[::1", "", "a b", "ex..ample", "-x.example", "x" * 70 + ".example", "\u202e"]
SERVICE_FIELDS = ("id", "type", "recipientKeys", "routingKeys", "serviceEndpoint", "did", "accept")
TOP_FIELDS = (
    "@type",
    "@id",
    "label",
    "imageUrl",
    "goal",
    "goal_code",
    "accept",
    "handshake_protocols",
    "services",
    "requests~attach",
    "~thread",
    "extra",
)
ATTACHMENTS = st.one_of(
    VALUES,
    st.lists(
        st.fixed_dictionaries(
            {"@id": st.text(max_size=5)}, optional={"data": VALUES, "mime-type": VALUES}
        ),
        max_size=2,
    ),
)


class Hostile:
    """Strategies for invitations whose every address is `authority` (host:port) or broken,
    so that nothing generated leads anywhere but to a server the test runs."""

    def __init__(self, authority: str = "127.0.0.1:8020", *, least_changes: int = 0) -> None:
        self.endpoint = f"http://{authority}"
        self.least_changes = least_changes  # 1: never the valid invitation itself
        self.endpoints = st.builds(
            lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
            st.sampled_from(
                ["http://", "https://", "ws://", "wss://", "HTTP://", "ftp://", "xmpp://", "", "//"]
            ),
            st.sampled_from([authority, *BAD_HOSTS]),
            st.sampled_from(["", "", ":0", ":65536", ":x", ":"]),
            st.sampled_from(["", "/", "/path?q=1", "/\x00", " /", "/\ud800"]),
        )
        web = "did:web:" + authority.replace(":", "%3A")
        self.dids = st.one_of(
            st.sampled_from(
                [
                    did_peer_2({"t": "dm", "s": self.endpoint, "a": ["didcomm/aip2;env=rfc19"]}),
                    web,
                    f"{web}:users:alice",
                    "did:sov:V4SGRU86Z58d6TV7PBUe6f",
                    "V4SGRU86Z58d6TV7PBUe6f",
                    "did:ion:abc",
                    f"did:key:{VERKEY[8:]}",
                    "did:peer:4zShort",
                    "did:peer:2",
                    "did:peer:2.Vbad",
                ]
            ),
            self.endpoints.map(lambda endpoint: did_peer_2({"t": "dm", "s": endpoint})),
            st.text(max_size=30).map(lambda text: f"did:{text}"),
        )

        inline_service = st.just(service(serviceEndpoint=self.endpoint))
        self.service_lists = st.lists(self.dids | inline_service, max_size=3)
        self.texts = mutated_texts(self)

    def base(self) -> dict[str, Any]:
        return oob(services=[service(serviceEndpoint=self.endpoint)])

    def invitations(self) -> st.SearchStrategy[str]:
        return self.texts


# Strategies are made once: making them inside a draw costs hypothesis a validation each time.
KINDS = st.sampled_from(["top", "drop", "service", "keys", "endpoint", "dids", "attach"])
TOP_NAMES = st.sampled_from(TOP_FIELDS)
SERVICE_NAMES = st.sampled_from(SERVICE_FIELDS)
KEY_NAMES = st.sampled_from(["recipientKeys", "routingKeys"])
KEY_LISTS = st.lists(KEYS, max_size=3)
PICK = [st.integers(0, n) for n in range(64)]
ENCODINGS = st.sampled_from(["json", "oob", "c_i", "std", "quoted", "cut", "garbage"])
LINK_HOSTS = st.sampled_from(["https://issuer.example/", "http://[::1", "didcomm://invite", ""])
PARAMETERS = st.sampled_from(["oob", "c_i"])
SHORT_TEXT = st.text(max_size=40)
HUGE = st.sampled_from([60_000, 70_000])


def mutate(draw: st.DrawFn, invitation: dict[str, Any], hostile: Hostile) -> None:
    """Change one thing about `invitation`, in place."""
    kind = draw(KINDS)
    services = invitation.get("services")
    inline = services[0] if isinstance(services, list) and services else None
    if kind == "top":
        invitation[draw(TOP_NAMES)] = draw(VALUES)
    elif kind == "drop" and invitation:
        names = sorted(invitation)
        invitation.pop(names[draw(PICK[len(names) - 1])])
    elif kind == "service" and isinstance(inline, dict):
        inline[draw(SERVICE_NAMES)] = draw(VALUES)
    elif kind == "keys" and isinstance(inline, dict):
        inline[draw(KEY_NAMES)] = draw(KEY_LISTS)
    elif kind == "endpoint" and isinstance(inline, dict):
        inline["serviceEndpoint"] = draw(hostile.endpoints)
    elif kind == "dids":
        invitation["services"] = draw(hostile.service_lists)
    elif kind == "attach":
        invitation["requests~attach"] = draw(ATTACHMENTS)


@st.composite
def mutated_texts(draw: st.DrawFn, hostile: Hostile) -> str:
    """A mutated invitation as the learner might paste it: JSON, or a link carrying it."""
    invitation = hostile.base()
    if draw(PICK[4]) == 0:
        invitation = {
            "@type": "https://didcomm.org/connections/1.0/invitation",
            "@id": "legacy",
            "recipientKeys": [LEGACY_KEY],
            "serviceEndpoint": hostile.endpoint,
        }
    for _ in range(hostile.least_changes + draw(PICK[3 - hostile.least_changes])):
        mutate(draw, invitation, hostile)
    if draw(PICK[19]) == 0:
        invitation["label"] = "x" * draw(HUGE)
    return carry(draw, invitation)


def carry(draw: st.DrawFn, invitation: dict[str, Any]) -> str:
    """The invitation as JSON or in a link (`?oob=`, `?c_i=`, encoded in every way)."""
    payload = json.dumps(invitation)
    encoding = draw(ENCODINGS)
    host = draw(LINK_HOSTS)
    raw = payload.encode("utf-8", "surrogatepass")
    if encoding == "json":
        return payload
    if encoding == "std":
        return f"{host}?oob={base64.b64encode(raw).decode()}"
    if encoding == "quoted":
        return f"{host}?c_i={quote(base64.b64encode(raw).decode())}"
    if encoding == "cut":
        encoded = base64.urlsafe_b64encode(raw).decode()
        return f"{host}?oob={encoded[: len(encoded) * draw(PICK[10]) // 10]}"
    if encoding == "garbage":
        return f"{host}?{draw(PARAMETERS)}={draw(SHORT_TEXT)}"
    return f"{host}?{encoding}={base64.urlsafe_b64encode(raw).decode().rstrip('=')}"


@settings(
    max_examples=2500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(Hostile().invitations())
def test_any_generated_invitation_is_refused_precisely_or_usable_by_aca_py(text: str) -> None:
    try:
        result = parse_invitation(text)
    except InvitationError as error:
        assert 400 <= error.status < 500, (error.code, error.detail)
        assert error.detail and has_learner_words(error), (error.code, error.reason)
        return
    carries_invitation = "oob=" in text or "c_i=" in text or "?oob" in text
    assert not (carries_invitation and isinstance(result, ShortLink)), text
    if isinstance(result, Invitation):
        aca_py_accepts(result)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_text_in_an_invitation_parameter_is_never_a_short_link(value: str) -> None:
    for parameter in ("oob", "c_i"):
        text = f"https://issuer.example/?{parameter}={value}"
        try:
            result = parse_invitation(text)
        except InvitationError as error:
            assert 400 <= error.status < 500 and has_learner_words(error)
        else:
            assert isinstance(result, Invitation)


# How the API reports ACA-Py's own failures (a fake admin API at the HTTP boundary).


class RefusingAdmin(FakeAdminApi):
    """ACA-Py refusing every invitation with `status`, and ready or not as told."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 500
        self.ready = True
        self.received: list[Any] = []

    async def start(self) -> None:
        app = web.Application(middlewares=[self._require_key])
        app.router.add_post("/out-of-band/receive-invitation", self._receive)
        app.router.add_get("/connections", self._by_state(lambda: self.connections))
        app.router.add_delete("/connections/{id}", self._delete)
        app.router.add_get("/status/ready", self._ready)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def _receive(self, request: web.Request) -> web.Response:
        invitation = await request.json()
        self.received.append(invitation)
        # As ACA-Py does when it fails building the DID Exchange request: the record stays.
        made = {"connection_id": f"half-{len(self.received)}", "state": "invitation"}
        self.connections.append({**made, "invitation_msg_id": invitation["@id"]})
        return web.Response(status=self.status, text="500: Internal Server Error")

    async def _delete(self, request: web.Request) -> web.Response:
        gone = request.match_info["id"]
        self.connections = [c for c in self.connections if c["connection_id"] != gone]
        return web.json_response({})

    async def _ready(self, request: web.Request) -> web.Response:
        return web.json_response({"ready": self.ready})


@pytest.fixture
async def refusing(tmp_path: Path) -> AsyncIterator[tuple[str, RefusingAdmin]]:
    admin = RefusingAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False)
    async with serving(services) as (server, _):
        yield f"http://127.0.0.1:{server.port}", admin
    await close_services(services)
    await admin.close()


async def post(base: str, body: Any) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(f"{base}/api/connections", json=body) as response:
            return response.status, await response.json()


async def test_aca_py_refusing_a_well_formed_invitation_is_a_refusal_not_an_outage(
    refusing: tuple[str, RefusingAdmin],
) -> None:
    base, admin = refusing
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    invitation = oob(services=[service(serviceEndpoint=f"http://127.0.0.1:{port}")])
    async with server:
        for status, ready, expected in (
            (500, True, (422, "invitation_refused")),
            (400, True, (422, "invitation_refused")),
            (500, False, (503, "agent_unavailable")),
            (503, True, (503, "agent_unavailable")),
        ):
            admin.status, admin.ready = status, ready
            code, body = await post(base, {"invitation": invitation})
            assert (code, body["error"]["code"]) == expected, body
            if expected[1] == "invitation_refused":
                assert "500: Internal Server Error" in body["error"]["detail"] or status == 400
                assert body["error"]["message"].startswith("Your wallet's agent refused")
    assert len(admin.received) == 4
    # What ACA-Py saved for the refused ones is deleted; an outage leaves ACA-Py alone.
    assert [c["connection_id"] for c in admin.connections] == ["half-3", "half-4"]


async def test_bad_invitations_and_bodies_never_reach_the_agent(
    refusing: tuple[str, RefusingAdmin],
) -> None:
    base, admin = refusing
    for body in (
        {"invitation": "http://[::1"},
        {"invitation": "https://issuer.example/?oob="},
        {"invitation": with_service(serviceEndpoint="http://[::1")},
        {"invitation": oob(services=["did:ion:x"])},
        {"invitation": 5},
        {"invitation": "x", "alias": "\u202e"},
        {"invitation": "x", "unknown": 1},
        [1, 2],
        None,
    ):
        code, answer = await post(base, body)
        assert 400 <= code < 500, (body, answer)
        assert answer["error"]["message"], answer
    assert admin.received == []


# The other bodies of issue #17 point 4: answers to requests and settings.


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    admin = FakeAdminApi()
    await admin.start()
    services = await make_services(admin.url, tmp_path, with_store=False)
    async with serving(services) as (server, _):
        yield f"http://127.0.0.1:{server.port}", tmp_path / "config.toml"
    await close_services(services)
    await admin.close()


async def send(base: str, method: str, path: str, data: bytes) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.request(method, f"{base}{path}", data=data) as response:
            return response.status, await response.json()


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/requests/x/approve", {"choices": {"r": {"revealed": "yes"}}}, 422, "invalid_body"),
        ("/api/requests/x/approve", {"choices": {"r": {"credential_id": 5}}}, 422, "invalid_body"),
        ("/api/requests/x/approve", {"choices": [1]}, 422, "invalid_body"),
        ("/api/requests/x/approve", {"choices": {}, "extra": 1}, 422, "invalid_body"),
        (
            "/api/requests/x/approve",
            {"choices": {"r": {"self_attested_value": "\u202e"}}},
            422,
            "invalid_body",
        ),
        ("/api/requests/x/approve", {"choices": {}}, 404, "request_not_found"),
        ("/api/requests/x/decline", {"reason": 5}, 422, "invalid_body"),
        ("/api/requests/x/decline", {"reason": "a\nb"}, 404, "request_not_found"),
        ("/api/requests/x/decline", [], 400, "invalid_body"),
    ],
)
async def test_answers_with_wrong_types_are_refused_before_anything_happens(
    site: tuple[str, Path], path: str, body: Any, status: int, code: str
) -> None:
    base, _ = site
    answer = await send(base, "POST", path, json.dumps(body).encode())
    assert (answer[0], answer[1]["error"]["code"]) == (status, code), answer


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"[" * 5000, 400, "bad_json"),
        (b'{"label": ' + b"[" * 40 + b"]" * 40 + b"}", 400, "bad_json"),
        (rb'{"label": "\ud800"}', 422, "invalid_settings"),
        (rb'{"\ud800": 1}', 400, "bad_json"),
        (rb'{"trust_list": "/tmp/a\u0000b"}', 422, "invalid_settings"),
        (b'{"trust_list": "~nobody-at-all/list.json"}', 422, "invalid_settings"),
        (b'{"backup_folder": "~nobody-at-all/b"}', 422, "invalid_settings"),
        (b'{"label": {"a": 1}}', 422, "invalid_settings"),
        (b'{"auto_accept_issuers": [1, 2]}', 422, "invalid_settings"),
        (b'{"label": "' + b"x" * 80_000 + b'"}', 422, "invalid_settings"),
        (b"\xff\xfe", 400, "bad_json"),
    ],
)
async def test_settings_bodies_of_any_shape_are_refused_and_nothing_is_saved(
    site: tuple[str, Path], data: bytes, status: int, code: str
) -> None:
    base, config = site
    answer = await send(base, "PUT", "/api/settings", data)
    assert (answer[0], answer[1]["error"]["code"]) == (status, code), answer
    assert not config.exists()


async def test_deeply_nested_connection_bodies_are_refused_not_crashed(
    site: tuple[str, Path],
) -> None:
    base, _ = site
    for data in (
        b'{"invitation": ' + b"[" * 100_000 + b"}",
        b'{"invitation": ' + b'{"a":' * 50 + b"1" + b"}" * 51,
    ):
        status, answer = await send(base, "POST", "/api/connections", data)
        assert status == 400 and answer["error"]["code"] == "invalid_json", answer


async def test_a_link_with_a_broken_invitation_parameter_is_never_fetched() -> None:
    from protocols.connections.short_link import resolve_invitation

    hits: list[str] = []

    async def count(request: web.Request) -> web.Response:
        hits.append(request.path_qs)
        return web.json_response(oob())

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", count)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    base = f"http://127.0.0.1:{server.port}/i"
    try:
        for suffix in ("?oob=", "?c_i=", "?oob", "?oob=%20", "?oob=!!!", "?c_i=e30", "?x=1&oob="):
            with pytest.raises(InvitationError) as caught:
                await resolve_invitation(base + suffix)
            assert caught.value.code == "malformed_invitation", suffix
        assert (await resolve_invitation(base)).id == oob()["@id"]  # a bare link is fetched
    finally:
        await server.close()
    assert hits == ["/i"]
