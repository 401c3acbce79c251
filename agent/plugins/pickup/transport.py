"""ACA-Py outbound transport for ws/wss that keeps its sockets and reads from them.

Load it with `--outbound-transport agent.plugins.pickup.transport` (ACA-Py takes a module
path and uses the one `BaseOutboundTransport` subclass in it) instead of the stock `ws`,
which sends and closes without reading. Each message goes on the pool's socket for its
endpoint and asks for `return_route: all` (the transport's own wire format).
"""

from __future__ import annotations

import logging
from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.transport.outbound.base import BaseOutboundTransport, OutboundDeliveryError

from .duplex_socket import SocketUnavailableError
from .runtime import PickupRuntime
from .wire import ReturnRouteWireFormat

LOGGER = logging.getLogger(__name__)


class DuplexWsTransport(BaseOutboundTransport):
    """Sends on a kept WebSocket per endpoint; what comes back enters ACA-Py's inbound path."""

    schemes = ("ws", "wss")
    is_external = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wire_format = ReturnRouteWireFormat()
        self.logger = LOGGER
        self.runtime: PickupRuntime | None = None

    async def start(self) -> None:
        self.runtime = PickupRuntime.of(self.root_profile)
        await self.runtime.start(self.root_profile)

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()

    async def handle_message(
        self,
        profile: Profile,
        payload: str | bytes,
        endpoint: str,
        metadata: dict[str, Any] | None = None,
        api_key: str | None = None,
    ) -> None:
        """Send on the endpoint's socket; a socket that is down makes ACA-Py retry later."""
        if self.runtime is None:
            raise OutboundDeliveryError("the duplex ws transport is not started")
        try:
            await self.runtime.pool.send(endpoint, payload)
        except SocketUnavailableError as error:
            raise OutboundDeliveryError(str(error)) from None
