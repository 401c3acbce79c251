"""The learner's own ACA-Py agent: its launch from settings, and start with port retries."""

from __future__ import annotations

import logging

from agent.events import EventBus
from agent.ports import PortInUseError, free_port, port_or_free
from agent.process import AcaPyProcess, AcaPySecrets, AcaPyStartError, log_path
from config.acapy_args import (
    HANDLED_INBOUND_TRANSPORT,
    HOLDER_PLUGINS,
    AcaPyLaunch,
    holder_extra_args,
    pickup_delivery_args,
)
from config.data_dir import DataDir
from config.settings import WalletSettings
from wallet.key_check import check_wallet_key
from wallet.provision import key_store_of
from wallet.wallet_key import WalletRecord, WalletSecret

LOGGER = logging.getLogger(__name__)
PORT_ATTEMPTS = 3
# ACA-Py at debug level logs every message it decrypts, credential values and message
# texts included: the learner's "debug" details the wallet's own log, ACA-Py's stays at info.
AGENT_LOG_LEVEL = {"debug": "info"}


def holder_launch(
    data_dir: DataDir,
    settings: WalletSettings,
    record: WalletRecord,
    secret: WalletSecret,
) -> AcaPyLaunch:
    return AcaPyLaunch(
        label=settings.label,
        acapy_home=data_dir.acapy_home,
        wallet_name=record.wallet_name,
        admin_port=free_port(),
        inbound_port=inbound_port_of(settings, record),
        log_file=log_path(data_dir.logs, "holder"),
        derivation=secret.derivation,
        endpoint=settings.endpoint,
        log_level=AGENT_LOG_LEVEL.get(settings.log_level, settings.log_level),
        plugins=HOLDER_PLUGINS,
        extra_args=holder_extra_args(settings) + delivery_args(settings),
        inbound_transport=HANDLED_INBOUND_TRANSPORT,
    )


def delivery_args(settings: WalletSettings) -> tuple[str, ...]:
    """In `pickup` delivery everything arrives on one socket to the mediator (DESIGN §10)."""
    return pickup_delivery_args() if settings.delivery_mode == "pickup" else ()


def inbound_port_of(settings: WalletSettings, record: WalletRecord) -> int:
    """The configured port, else the one kept since `init`: peers' connections point at it."""
    if settings.inbound_port:
        return port_or_free(settings.inbound_port, "LEARNER_WALLET_INBOUND_PORT")
    if record.inbound_port and record.agent_store_created:
        return port_or_free(record.inbound_port, "LEARNER_WALLET_INBOUND_PORT")
    if record.inbound_port:  # chosen by `init`, known to no peer yet: another serves too
        try:
            return port_or_free(record.inbound_port, "LEARNER_WALLET_INBOUND_PORT")
        except PortInUseError:
            return free_port()
    return free_port()


async def start_holder_agent(
    data_dir: DataDir,
    settings: WalletSettings,
    record: WalletRecord,
    secret: WalletSecret,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    bus: EventBus | None = None,
) -> AcaPyProcess:
    """Start the holder and wait until it is ready (see `spawn_holder_agent`)."""
    starting = await spawn_holder_agent(
        data_dir,
        settings,
        record,
        secret,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        bus=bus,
    )
    return await starting.ready()


async def spawn_holder_agent(
    data_dir: DataDir,
    settings: WalletSettings,
    record: WalletRecord,
    secret: WalletSecret,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    bus: EventBus | None = None,
) -> HolderStarting:
    """Check the key, then launch ACA-Py without waiting for it: its start (seconds) can
    overlap the controller's own set-up. At the first start after `init` ACA-Py creates
    its store (`--auto-provision`)."""
    await check_wallet_key(key_store_of(data_dir, record), secret)
    agent_secrets = AcaPySecrets(wallet_key=secret.key)
    if webhook_secret is not None:
        agent_secrets = AcaPySecrets(wallet_key=secret.key, webhook_secret=webhook_secret)
    starting = HolderStarting(
        holder_launch(data_dir, settings, record, secret),
        agent_secrets,
        settings,
        record,
        webhook_url=webhook_url,
        bus=bus,
    )
    await starting.agent.spawn()
    return starting


class HolderStarting:
    """A holder ACA-Py launched and not yet ready; `ready()` retries taken ports."""

    def __init__(
        self,
        launch: AcaPyLaunch,
        agent_secrets: AcaPySecrets,
        settings: WalletSettings,
        record: WalletRecord,
        *,
        webhook_url: str | None,
        bus: EventBus | None,
    ) -> None:
        self._secrets = agent_secrets
        self._settings = settings
        self._record = record
        self._webhook_url = webhook_url
        self._bus = bus
        self.agent = self._process(launch)

    def _process(self, launch: AcaPyLaunch) -> AcaPyProcess:
        return AcaPyProcess(
            launch,
            self._secrets,
            webhook_url=self._webhook_url,
            restart_limit=self._settings.restart_limit,
            bus=self._bus,
        )

    async def ready(self) -> AcaPyProcess:
        """The ready agent; a port taken between our pick and ACA-Py's bind is picked again."""
        settings, record = self._settings, self._record
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                await self.agent.until_ready()
                return self.agent
            except AcaPyStartError as error:
                chose_inbound = not settings.inbound_port and (
                    not record.inbound_port or not record.agent_store_created
                )
                if not error.port_in_use or attempt == PORT_ATTEMPTS:
                    raise
                LOGGER.info("a port was taken before ACA-Py could bind it; picking new ones")
                launch = self.agent.launch
                inbound = free_port() if chose_inbound else launch.inbound_port
                self.agent = self._process(launch.with_ports(free_port(), inbound))
                await self.agent.spawn()
        raise AssertionError("unreachable")
