"""ACA-Py's connection manager with WebSocket targets first (see `targets.py` for why).

Bound by the plugin as the `BaseConnectionManager` provider, which is how ACA-Py's
conductor finds the targets of every outbound message (`Conductor.queue_outbound`).
"""

from __future__ import annotations

from typing import Any

from acapy_agent.connections.base_manager import BaseConnectionManager

from .targets import socket_targets_first


class SocketFirstConnectionManager(BaseConnectionManager):
    """`get_connection_targets` with ws/wss endpoints first."""

    async def get_connection_targets(self, **kwargs: Any) -> Any:
        targets = await super().get_connection_targets(**kwargs)
        return socket_targets_first(targets)
