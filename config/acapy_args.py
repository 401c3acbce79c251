"""Builds ACA-Py's command line. Secrets never appear here: they travel in the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from config.settings import WalletSettings

LOOPBACK = "127.0.0.1"

# Flags the learner's own agent must never run with (DESIGN §2 and §8).
FORBIDDEN_HOLDER_FLAGS = frozenset(
    {
        "--admin-insecure-mode",
        "--auto-respond-presentation-request",
        "--auto-respond-credential-offer",
        "--wallet-key",
        "--admin-api-key",
        "--webhook-url",
    }
)
# Plugins loaded into every agent we start: offline JSON-LD contexts, did:web AnonCreds,
# and DIF requests with non-UUID challenges (Credo-ts sends decimal nonces).
CORE_PLUGINS = (
    "agent.plugins.jsonld_contexts",
    "agent.plugins.didweb_anoncreds",
    "agent.plugins.dif_challenge",
)
# The learner's agent also completes DID exchanges with inviters that omit `pthid` (Credo),
# finishes credential stores a crash cut off (handled_inbound, issue #15), and answers a
# proof request's record, checks and candidates in one call (prompt_inputs, issue #20).
HOLDER_PLUGINS = (
    *CORE_PLUGINS,
    "agent.plugins.credo_compat",
    "agent.plugins.handled_inbound",
    "agent.plugins.prompt_inputs",
)
# Its inbound HTTP answers a peer only after handling, so a crash loses no message.
HANDLED_INBOUND_TRANSPORT = "agent.plugins.handled_inbound.transport"
# `pickup` delivery (DESIGN §10): the plugin, its duplex ws/wss transport, and the endpoint
# that names no address of the learner's own (RFC 0211 "queue" transport).
PICKUP_PLUGIN = "agent.plugins.pickup"
PICKUP_TRANSPORT = "agent.plugins.pickup.transport"
QUEUE_ENDPOINT = "didcomm:transport/queue"


@dataclass(frozen=True)
class AcaPyLaunch:
    """Everything about one ACA-Py process that may be shown in `ps` or a log."""

    label: str
    acapy_home: Path
    wallet_name: str
    admin_port: int
    inbound_port: int
    log_file: Path
    derivation: Literal["RAW", "kdf:argon2i:mod"] = "RAW"
    endpoint: str | None = None
    log_level: str = "info"
    plugins: tuple[str, ...] = ()
    extra_args: tuple[str, ...] = ()
    inbound_transport: str = "http"  # ACA-Py's name or a module path (the holder's own)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def admin_url(self) -> str:
        return f"http://{LOOPBACK}:{self.admin_port}"

    @property
    def advertised_endpoint(self) -> str:
        return self.endpoint or f"http://{LOOPBACK}:{self.inbound_port}"

    def with_ports(self, admin_port: int, inbound_port: int) -> AcaPyLaunch:
        """The same launch on other ports, after a port was taken between pick and bind."""
        from dataclasses import replace

        return replace(self, admin_port=admin_port, inbound_port=inbound_port)


def acapy_command_args(launch: AcaPyLaunch) -> list[str]:
    """Arguments after `aca-py start`, common to the holder and the test peers."""
    args = [
        "--label", launch.label,
        "--inbound-transport", launch.inbound_transport, LOOPBACK, str(launch.inbound_port),
        "--outbound-transport", "http",
        "--endpoint", launch.advertised_endpoint,
        "--admin", LOOPBACK, str(launch.admin_port),
        "--wallet-type", "askar-anoncreds",
        "--wallet-name", launch.wallet_name,
        "--wallet-key-derivation-method", launch.derivation,
        "--auto-provision",
        "--log-level", launch.log_level,
    ]  # fmt: skip
    for plugin in launch.plugins:
        args += ["--plugin", plugin]
    return args + list(launch.extra_args)


def holder_extra_args(settings: WalletSettings) -> tuple[str, ...]:
    """The learner's agent: keeps exchange records for history, answers nothing by itself."""
    args = [
        "--preserve-exchange-records",
        "--auto-store-credential",
        "--auto-accept-requests",
        "--auto-ping-connection",
        "--monitor-revocation-notification",
    ]
    args += ledger_args(settings)
    if settings.mediator_invitation:
        args += ["--mediator-invitation", settings.mediator_invitation]
    check_holder_args(args)
    return tuple(args)


def pickup_delivery_args(plugin_config: Mapping[str, float | int] | None = None) -> tuple[str, ...]:
    """Flags for `pickup` delivery, appended after `acapy_command_args` (order matters).

    ACA-Py keeps the last `--endpoint`, so `didcomm:transport/queue` replaces the loopback
    one and no DID document names the learner's own address; the loopback inbound transport
    stays, told to nobody, because ACA-Py creates its `InboundTransportManager` only with
    one. `-ot` adds the duplex ws/wss transport next to http. The mediator still comes from
    `--mediator-invitation`, reduced to its ws service (`mediator_link_for_agent` in
    `protocols/connections/mediator.py`).
    `plugin_config` holds optional `PickupConfig` settings (e.g. `keepalive_seconds`).
    """
    args = ["--endpoint", QUEUE_ENDPOINT, "--outbound-transport", PICKUP_TRANSPORT]
    args += ["--plugin", PICKUP_PLUGIN]
    for name, value in sorted((plugin_config or {}).items()):
        args += ["--plugin-config-value", f"pickup.{name}={value}"]
    return tuple(args)


def ledger_args(settings: WalletSettings) -> list[str]:
    """An Indy genesis source when configured (untestable offline), else `--no-ledger`."""
    if settings.genesis_file is not None:
        return ["--genesis-file", str(settings.genesis_file)]
    if settings.genesis_url is not None:
        return ["--genesis-url", settings.genesis_url]
    return ["--no-ledger"]


def check_holder_args(args: list[str]) -> None:
    """Refuse to build a holder command line that could answer without consent or leak keys."""
    bad = FORBIDDEN_HOLDER_FLAGS.intersection(args)
    if bad:
        raise ValueError(f"refusing to start the learner's agent with {sorted(bad)}")
