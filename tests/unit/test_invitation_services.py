"""One service per invitation for ACA-Py: the wallet chooses by transport (issue #15)."""

from __future__ import annotations

import base64
import json

import pytest

from protocols.connections.invitation import Invitation, InvitationService
from protocols.connections.reachability import check_reachable
from protocols.connections.services import FOR_PEERS, FOR_PICKUP, service_scheme, with_one_service

KEY = "did:key:z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V"


def service(endpoint: str) -> InvitationService:
    return InvitationService(recipientKeys=[KEY], serviceEndpoint=endpoint)


def did_peer_2(endpoint: str) -> str:
    segment = base64.urlsafe_b64encode(json.dumps({"t": "dm", "s": endpoint}).encode()).decode()
    return f"did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V.S{segment.rstrip('=')}"


def invitation(*services: InvitationService | str) -> Invitation:
    return Invitation.model_validate(
        {
            "@type": "https://didcomm.org/out-of-band/1.1/invitation",
            "@id": "b5f0c6a2-0000-4000-8000-000000000001",
            "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
            "services": list(services),
        }
    )


def chosen(inv: Invitation) -> str | None:
    [only] = inv.services
    return service_scheme(only)


def test_a_credo_invitation_with_http_and_ws_keeps_one_service_for_aca_py() -> None:
    credo = invitation(service("ws://127.0.0.1:4001"), service("http://127.0.0.1:4000"))
    assert chosen(with_one_service(credo, FOR_PEERS)) == "http"
    assert chosen(with_one_service(credo, FOR_PICKUP)) == "ws"
    assert with_one_service(credo).as_message()["@id"] == credo.id  # the rest unchanged


def test_did_peer_2_services_are_ranked_by_the_endpoint_they_carry() -> None:
    mixed = invitation(did_peer_2("wss://mediator.example"), service("https://m.example"))
    assert chosen(with_one_service(mixed, FOR_PICKUP)) == "wss"
    assert chosen(with_one_service(mixed, FOR_PEERS)) == "https"


def test_unknown_transports_rank_last_and_ties_keep_the_inviter_s_order() -> None:
    odd = invitation(service("xmpp://a.example"), service("https://b.example"))
    assert chosen(with_one_service(odd)) == "https"
    two = invitation(service("https://first.example"), service("https://second.example"))
    [first] = with_one_service(two).services
    assert isinstance(first, InvitationService) and "first" in first.service_endpoint
    did_web = invitation("did:web:issuer.example", service("xmpp://a.example"))
    assert with_one_service(did_web).services == ["did:web:issuer.example"]


def test_one_service_is_left_as_it_is() -> None:
    single = invitation(service("ws://127.0.0.1:1"))
    assert with_one_service(single) is single


@pytest.mark.parametrize("scheme", ["ws", "wss"])
async def test_websocket_endpoints_are_accepted_when_someone_listens(scheme: str) -> None:
    import asyncio

    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await check_reachable(invitation(service(f"{scheme}://127.0.0.1:{port}")))


def test_the_mediator_link_for_aca_py_has_the_service_the_delivery_needs() -> None:
    from urllib.parse import parse_qs, urlsplit

    from protocols.connections.mediator import mediator_link_for_agent

    credo = invitation(service("http://127.0.0.1:4000"), service("ws://127.0.0.1:4000"))
    url = "http://127.0.0.1:4000/?oob=" + base64.urlsafe_b64encode(
        json.dumps(credo.as_message()).encode()
    ).decode().rstrip("=")
    for delivery, scheme in (("pickup", "ws"), ("direct", "http")):
        link = mediator_link_for_agent(url, delivery)
        encoded = parse_qs(urlsplit(link).query)["oob"][0]
        sent = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        assert [s["serviceEndpoint"] for s in sent["services"]] == [f"{scheme}://127.0.0.1:4000"]
        assert sent["@id"] == credo.id and sent["handshake_protocols"] == credo.handshake_protocols


def test_the_agent_starts_with_the_reduced_link_and_a_broken_one_is_a_settings_error() -> None:
    from config.settings import SettingsError, WalletSettings
    from protocols.connections.mediator import settings_for_agent

    assert settings_for_agent(WalletSettings()) == WalletSettings()
    credo = invitation(service("http://127.0.0.1:4000"), service("ws://127.0.0.1:4000"))
    url = "http://127.0.0.1:4000/?oob=" + base64.urlsafe_b64encode(
        json.dumps(credo.as_message()).encode()
    ).decode().rstrip("=")
    agent = settings_for_agent(WalletSettings(mediator_invitation=url))
    assert agent.mediator_invitation is not None
    assert agent.mediator_invitation.startswith("didcomm://invite?oob=")
    with pytest.raises(SettingsError, match="mediator_invitation"):
        settings_for_agent(WalletSettings(mediator_invitation="https://m.example/short"))
