"""Wire the plugin into ACA-Py at set-up: runtime, transport, target order, start and stop.

Set-up runs before ACA-Py builds its transports and its root profile, so what is bound or
configured here is in place when they are made; the pickup client itself waits for the
start-up event, after which ACA-Py's records (the default mediator) can be read. The
mediator invitation is applied by the plugin, not the conductor (see `mediator_invite.py`).
"""

from __future__ import annotations

import logging

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.config.provider import ClassProvider
from acapy_agent.connections.base_manager import BaseConnectionManager
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import SHUTDOWN_EVENT_PATTERN, STARTUP_EVENT_PATTERN

from .connection_manager import SocketFirstConnectionManager
from .mediator_invite import apply_invitation, take_invitation
from .runtime import PickupRuntime, config_from_settings

LOGGER = logging.getLogger(__name__)
TRANSPORT_MODULE = "agent.plugins.pickup.transport"
STOCK_WS_TRANSPORTS = ("ws", "acapy_agent.transport.outbound.ws")
OUTBOUND_SETTING = "transport.outbound_configs"


def install(context: InjectionContext) -> None:
    runtime = PickupRuntime(config_from_settings(context.settings))
    runtime.mediator_invitation = take_invitation(context)
    context.injector.bind_instance(PickupRuntime, runtime)
    context.injector.bind_provider(
        BaseConnectionManager,
        ClassProvider(SocketFirstConnectionManager, ClassProvider.Inject(Profile)),
    )
    use_duplex_transport(context)
    bus = context.inject(EventBus)
    bus.subscribe(STARTUP_EVENT_PATTERN, _on_startup)
    bus.subscribe(SHUTDOWN_EVENT_PATTERN, _on_shutdown)
    LOGGER.info("pickup: plugin loaded (%s)", runtime.config)


def use_duplex_transport(context: InjectionContext) -> None:
    """Our transport for ws/wss, once, instead of the stock one (a scheme has one transport)."""
    configured = list(context.settings.get(OUTBOUND_SETTING) or [])
    kept = [t for t in configured if t not in (*STOCK_WS_TRANSPORTS, TRANSPORT_MODULE)]
    wanted = [*dict.fromkeys(kept), TRANSPORT_MODULE]
    if wanted != configured:
        context.settings.set_value(OUTBOUND_SETTING, wanted)
        LOGGER.info("pickup: outbound transports %s (was %s)", wanted, configured)


async def _on_startup(profile: Profile, event: Event) -> None:
    runtime = PickupRuntime.of(profile)
    hint = None
    if runtime.mediator_invitation:
        hint = await apply_invitation(profile, runtime.mediator_invitation)
    await runtime.start_client(profile, hint)


async def _on_shutdown(profile: Profile, event: Event) -> None:
    runtime = profile.inject_or(PickupRuntime)
    if runtime is not None:
        await runtime.stop()
