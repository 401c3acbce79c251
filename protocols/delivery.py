"""How messages reach the wallet, as the learner sees it: through which mediator, whether
the wallet is connected to it now, and when the last message arrived.

The pickup plugin inside ACA-Py (agent/plugins/pickup) reports its socket's state as
webhooks on PLUGIN_TOPIC; this flow keeps the latest as `services.delivery` and announces
each change of state on the bus as DELIVERY_TOPIC, so every open page can show it live.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from config.settings import Delivery, WalletSettings
from protocols.connections.errors import InvitationError
from protocols.connections.mediator import mediator_invitation
from protocols.wallet_services import WalletServices
from wallet.credentials.normalize import parse_date

LOGGER = logging.getLogger(__name__)
PLUGIN_TOPIC = "pickup"
PLUGIN_STATUS_ROUTE = "/learner-wallet/pickup"  # agent/plugins/pickup/routes.py
DELIVERY_TOPIC = "delivery"
DeliveryState = Literal["connected", "connecting", "offline"]
STATES: tuple[DeliveryState, ...] = ("connected", "connecting", "offline")


class DeliveryStatus(BaseModel):
    """What /api/status and every page show about delivery."""

    mode: Delivery
    mediator: str | None = Field(default=None, description="The mediator's name, if any.")
    state: DeliveryState | None = Field(
        default=None, description="The mediator socket's state; None in direct delivery."
    )
    last_message_at: datetime | None = None
    changed_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def initial_status(settings: WalletSettings) -> DeliveryStatus:
    """Before the plugin says anything: pickup is connecting, direct has no socket."""
    mode = settings.delivery_mode
    return DeliveryStatus(
        mode=mode,
        mediator=mediator_name(settings.mediator_invitation),
        state="connecting" if mode == "pickup" else None,
    )


def mediator_name(invitation: str | None) -> str | None:
    if not invitation:
        return None
    try:
        return mediator_invitation(invitation).label or None
    except InvitationError:
        return None


def status_of(services: WalletServices) -> DeliveryStatus:
    if services.delivery is None:
        services.delivery = initial_status(services.settings)
    return services.delivery


def updated(status: DeliveryStatus, payload: dict[str, Any]) -> DeliveryStatus:
    """The status after one report of the plugin; unknown states are ignored."""
    changes: dict[str, Any] = {}
    state = payload.get("state")
    if state in STATES and state != status.state:
        changes["state"] = state
        changes["changed_at"] = datetime.now(UTC)
    last = parse_date(payload.get("last_message_at"))
    if last is not None and (status.last_message_at is None or last > status.last_message_at):
        changes["last_message_at"] = last
    label = payload.get("mediator_label")
    if isinstance(label, str) and label and not status.mediator:
        changes["mediator"] = label[:100]
    return status.model_copy(update=changes) if changes else status


async def delivery_flow(services: WalletServices) -> None:
    """Keep `services.delivery` current; announce each change of the socket's state."""
    async with services.bus.subscribe() as queue:
        if services.settings.delivery_mode == "pickup":
            await _catch_up(services)
        while True:
            event = await queue.get()
            if event.topic == PLUGIN_TOPIC:
                _take(services, event.payload)


async def _catch_up(services: WalletServices) -> None:
    """The state the plugin reported before this flow listened (its webhook went nowhere).

    A wallet whose mediation was granted earlier connects within a second of ACA-Py's
    start, before the controller subscribes; without this it showed "connecting" until the
    socket next changed. Reports queued meanwhile are newer and are applied after it.
    """
    try:
        payload = await services.client.request("GET", PLUGIN_STATUS_ROUTE)
    except AdminApiError as error:
        LOGGER.info("delivery state not readable yet: %s", error)
        return
    if isinstance(payload, dict):
        _take(services, payload)


def _take(services: WalletServices, payload: dict[str, Any]) -> None:
    before = status_of(services)
    after = updated(before, payload)
    services.delivery = after
    if after.state != before.state:
        LOGGER.info("delivery through the mediator: %s", after.state)
        services.bus.publish(
            AgentEvent(topic=DELIVERY_TOPIC, payload={"state": after.state}, source="wallet")
        )
