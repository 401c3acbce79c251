"""The plugin's settings, from `--plugin-config-value pickup.<name>=<value>` (all optional).

ACA-Py parses each value as YAML and puts it under `plugin_config.pickup` in its settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

PLUGIN_NAME = "pickup"


@dataclass(frozen=True)
class PickupConfig:
    """Timings of the mediator socket and the pickup client, in seconds unless named."""

    keepalive_seconds: float = 15.0  # WebSocket ping; NATs and proxies drop idle flows
    delivery_limit: int = 10  # messages per delivery-request
    status_timeout_seconds: float = 5.0  # no `status` by then: the mediator has no pickup 2.0
    implicit_poll_seconds: float = 5.0  # trust ping that makes an implicit mediator flush
    pickup_poll_seconds: float = 60.0  # status-request in live mode, in case live was dropped
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    stable_after_seconds: float = 30.0  # a connection this old resets the back-off
    connect_timeout_seconds: float = 10.0
    send_timeout_seconds: float = 10.0  # how long a send waits for the socket to come back
    idle_close_seconds: float = 60.0  # sockets to other peers than the mediator
    handle_timeout_seconds: float = 60.0  # ACA-Py's handling of one delivered message

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PickupConfig:
        """Checked settings; an unknown name or a non-positive number stops the agent."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown pickup settings {unknown}; known: {sorted(known)}")
        checked: dict[str, Any] = {}
        for name, value in values.items():
            kind = int if known[name].type in (int, "int") else float
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"pickup.{name} must be a number, not {value!r}")
            if value <= 0:
                raise ValueError(f"pickup.{name} must be positive, not {value!r}")
            checked[name] = kind(value)
        return cls(**checked)
