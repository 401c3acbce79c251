"""How the learner's ACA-Py is told to receive through its mediator: flags, settings, targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.plugins.pickup.config import PickupConfig
from agent.plugins.pickup.targets import socket_targets_first
from config.acapy_args import (
    PICKUP_PLUGIN,
    PICKUP_TRANSPORT,
    QUEUE_ENDPOINT,
    AcaPyLaunch,
    acapy_command_args,
    pickup_delivery_args,
)


def launch(extra: tuple[str, ...]) -> AcaPyLaunch:
    return AcaPyLaunch(
        label="Learner",
        acapy_home=Path("/tmp/x"),
        wallet_name="w",
        admin_port=8001,
        inbound_port=8002,
        log_file=Path("/tmp/x.log"),
        extra_args=extra,
    )


def test_pickup_flags_come_after_the_loopback_endpoint_so_they_win() -> None:
    args = acapy_command_args(launch(pickup_delivery_args()))
    endpoints = [args[i + 1] for i, a in enumerate(args) if a == "--endpoint"]
    assert endpoints == ["http://127.0.0.1:8002", QUEUE_ENDPOINT]  # ACA-Py keeps the last
    outbound = [args[i + 1] for i, a in enumerate(args) if a == "--outbound-transport"]
    assert outbound == ["http", PICKUP_TRANSPORT]
    assert args[args.index("--inbound-transport") + 1 : args.index("--inbound-transport") + 3] == [
        "http",
        "127.0.0.1",
    ]
    assert list(args[args.index(PICKUP_PLUGIN) - 1 :][:2]) == ["--plugin", PICKUP_PLUGIN]


def test_plugin_settings_travel_as_plugin_config_values() -> None:
    args = pickup_delivery_args({"keepalive_seconds": 20, "delivery_limit": 5})
    values = [args[i + 1] for i, a in enumerate(args) if a == "--plugin-config-value"]
    assert values == ["pickup.delivery_limit=5", "pickup.keepalive_seconds=20"]


def test_config_defaults_and_checks() -> None:
    assert PickupConfig.from_mapping({}) == PickupConfig()
    config = PickupConfig.from_mapping({"delivery_limit": 5, "keepalive_seconds": 20})
    assert (config.delivery_limit, config.keepalive_seconds) == (5, 20.0)
    assert isinstance(config.delivery_limit, int)


@pytest.mark.parametrize(
    "values",
    [
        {"nonsense": 1},
        {"delivery_limit": 0},
        {"keepalive_seconds": "fast"},
        {"delivery_limit": True},
    ],
)
def test_bad_settings_stop_the_agent(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="pickup"):
        PickupConfig.from_mapping(values)


class Target:
    def __init__(self, endpoint: str | None) -> None:
        self.endpoint = endpoint


def test_socket_targets_go_first_and_the_rest_keep_their_order() -> None:
    targets = [Target(e) for e in ("http://a", "https://b", "ws://c", None, "WSS://d")]
    ordered = [t.endpoint for t in socket_targets_first(targets)]
    assert ordered == ["ws://c", "WSS://d", "http://a", "https://b", None]
