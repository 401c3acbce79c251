"""What the plugin changes in ACA-Py's settings at set-up, before the conductor reads them."""

from __future__ import annotations

from typing import Any

from acapy_agent.config.injection_context import InjectionContext

from agent.plugins.pickup.mediator_invite import take_invitation
from agent.plugins.pickup.plugin import TRANSPORT_MODULE, use_duplex_transport


def context(**settings: Any) -> InjectionContext:
    return InjectionContext(settings=settings)


def test_the_duplex_transport_replaces_the_stock_ws_one_once() -> None:
    ctx = context(**{"transport.outbound_configs": ["http", "ws", TRANSPORT_MODULE, "http"]})
    use_duplex_transport(ctx)
    assert ctx.settings["transport.outbound_configs"] == ["http", TRANSPORT_MODULE]


def test_the_duplex_transport_is_added_when_missing() -> None:
    ctx = context(**{"transport.outbound_configs": ["http"]})
    use_duplex_transport(ctx)
    assert ctx.settings["transport.outbound_configs"] == ["http", TRANSPORT_MODULE]


def test_the_mediator_invitation_is_kept_from_the_conductor() -> None:
    ctx = context(**{"mediation.invite": "https://m.example/?oob=abc"})
    assert take_invitation(ctx) == "https://m.example/?oob=abc"
    assert not ctx.settings.get("mediation.invite")
    assert take_invitation(context()) is None
