"""The plugin's objects in one place, found through ACA-Py's injector by whoever needs them.

ACA-Py creates the outbound transport itself (by class, with only the root profile), so the
transport cannot be handed the pool: it finds this runtime in the profile's injector, where
the plugin bound it at set-up. Loaded without the plugin, the transport makes its own (a
duplex transport without a pickup client).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from acapy_agent.config.plugin_settings import PluginSettings
from acapy_agent.core.profile import Profile

from .bridge import InboundBridge
from .client import PickupClient
from .config import PLUGIN_NAME, PickupConfig
from .socket_pool import SocketPool

LOGGER = logging.getLogger(__name__)
CLIENT_RESTART_SECONDS = 5.0


class PickupRuntime:
    """Bridge, socket pool and (once started) the pickup client of one ACA-Py process."""

    def __init__(self, config: PickupConfig) -> None:
        self.config = config
        self.bridge = InboundBridge()
        self.pool = SocketPool(config, self.bridge)
        self.client: PickupClient | None = None
        self.mediator_invitation: str | None = None
        self._client_task: asyncio.Task[None] | None = None
        self._started = False

    @classmethod
    def of(cls, profile: Profile) -> PickupRuntime:
        """The runtime the plugin bound, or a new one bound now (transport without plugin)."""
        runtime = profile.inject_or(PickupRuntime)
        if runtime is None:
            runtime = cls(config_from_settings(profile.settings))
            profile.context.injector.bind_instance(PickupRuntime, runtime)
        return runtime

    async def start(self, profile: Profile) -> None:
        """Ready the sockets (the transport calls this when ACA-Py starts it)."""
        if self._started:
            return
        self.bridge.attach(profile)
        await self.pool.start()
        self._started = True

    async def start_client(self, profile: Profile, mediator_hint: str | None = None) -> None:
        """Start the pickup client (after ACA-Py's start-up, when records can be read).

        `mediator_hint` is the connection a new mediator invitation just made.
        """
        await self.start(profile)
        if self._client_task is None:
            task = self._run_client(profile, mediator_hint)
            self._client_task = asyncio.create_task(task, name="pickup client")

    async def stop(self) -> None:
        if self.client is not None:
            self.client.stopping = True
        if self._client_task is not None:
            self._client_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._client_task
            self._client_task = None
        await self.pool.close()
        self._started = False

    async def _run_client(self, profile: Profile, mediator_hint: str | None) -> None:
        """Run the client; should it fail, say so and start a fresh one after a pause."""
        while True:
            self.client = PickupClient(profile, self.pool, self.bridge, self.config, mediator_hint)
            try:
                await self.client.run()
            except Exception:
                LOGGER.exception("pickup: the pickup client failed; starting it again")
                await self.client.reporter.update(state="offline", error="the pickup client failed")
            await asyncio.sleep(CLIENT_RESTART_SECONDS)


def config_from_settings(settings: object) -> PickupConfig:
    """`plugin_config.pickup` from ACA-Py's settings, checked."""
    values = PluginSettings.for_plugin(settings, PLUGIN_NAME).to_dict()
    return PickupConfig.from_mapping(values)
