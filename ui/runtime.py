"""`learner-wallet start`: wires the agent, webhooks, reconciliation and the local server.

Runs until SIGINT/SIGTERM, then stops everything it started, ACA-Py last but one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from agent.admin_client import AdminClient
from agent.events import EventBus
from agent.ports import LOOPBACK, port_or_free
from agent.reconcile import reconcile
from agent.webhooks import WebhookReceiver
from config.data_dir import DataDir
from config.settings import WalletSettings
from config.wallet_lock import hold_wallet_lock
from protocols.connections.mediator import settings_for_agent
from protocols.flows import FLOWS
from protocols.presentation.trust import load_trust_list
from protocols.wallet_services import WalletServices
from ui.web.app import create_app, start_site
from ui.web.handover import HANDOVER_KEY, BrowserHandover
from ui.web.security import UiSecrets
from wallet.backup.auto import WalletBackups, plan_of
from wallet.controller_store import ControllerStore
from wallet.credentials.release import freeze_long_lived
from wallet.holder_agent import start_holder_agent
from wallet.provision import ensure_ui_token, finish_first_start
from wallet.twin_guard import refuse_if_original_runs
from wallet.wallet_key import WalletRecord, WalletSecret, write_private

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningWallet:
    """What `start` tells the learner once everything is up."""

    ui_url: str
    login_url: str
    acapy_pid: int
    agent_admin: AdminClient | None = None  # for in-process callers: the demo's own checks


async def run_wallet(
    data_dir: DataDir,
    settings: WalletSettings,
    record: WalletRecord,
    secret: WalletSecret,
    on_ready: Callable[[RunningWallet], None],
    stop: asyncio.Event | None = None,
    demo: object | None = None,
    handover: BrowserHandover | None = None,
) -> None:
    """Run the wallet while holding its data dir's lock (WalletInUse if another process has it)."""
    with hold_wallet_lock(data_dir):
        refuse_if_original_runs(data_dir, record)
        await _run_wallet(data_dir, settings, record, secret, on_ready, stop, demo, handover)


async def _run_wallet(
    data_dir: DataDir,
    settings: WalletSettings,
    record: WalletRecord,
    secret: WalletSecret,
    on_ready: Callable[[RunningWallet], None],
    stop: asyncio.Event | None,
    demo: object | None,
    handover: BrowserHandover | None = None,
) -> None:
    """Start everything, call `on_ready`, wait for a stop signal, then shut down cleanly."""
    trust = load_trust_list(settings)  # a broken trust list stops the start, clearly
    stop = stop or _stop_on_signals()
    # Within one `start` the welcome and the wallet share the port and browser sessions.
    ui_port = (
        handover.port if handover else port_or_free(settings.ui_port, "LEARNER_WALLET_UI_PORT")
    )
    bus = EventBus()
    webhook_secret = secrets.token_urlsafe(32)
    webhooks = WebhookReceiver(bus, webhook_secret)
    await webhooks.start()
    agent = None
    client = None
    runner = None
    services = None
    try:
        agent = await start_holder_agent(
            data_dir,
            settings_for_agent(settings),
            record,
            secret,
            webhook_url=webhooks.url,
            webhook_secret=webhook_secret,
            bus=bus,
        )
        client = AdminClient(agent.admin_url, agent.admin_key)
        finish_first_start(data_dir, record, agent.launch.inbound_port)
        store = await ControllerStore.open(data_dir, secret)
        services = WalletServices(
            data_dir, settings, record, agent, client, bus, store, trust=trust, demo=demo
        )
        await start_flows(services)
        start_backups(services, secret)
        found = await reconcile(client, bus)
        LOGGER.info(
            "reconciled: %d offers, %d proof requests pending",
            len(found.offers),
            len(found.requests),
        )
        ui = UiSecrets(api_token=ensure_ui_token(data_dir), port=ui_port)
        app = create_app(services, ui)
        if handover is not None:
            ui.sessions = handover.sessions
            app[HANDOVER_KEY] = handover  # Delete everything asks through it
        runner = await start_site(app, ui_port)
        ui_url = f"http://{LOOPBACK}:{ui_port}/"
        _write_run_file(data_dir, ui_url, agent.pid or 0, webhooks.port)
        login_url = f"{ui_url}login?code={ui.login_code}"
        freeze_long_lived()  # what exists now lives until exit: keep it out of collections
        on_ready(
            RunningWallet(
                ui_url=ui_url, login_url=login_url, acapy_pid=agent.pid or 0, agent_admin=client
            )
        )
        await stop.wait()
        LOGGER.info("stopping")
    finally:
        data_dir.run_file.unlink(missing_ok=True)
        if runner is not None:
            await runner.cleanup()
        # No new webhooks once the flows stop: none may reach a closed store.
        await webhooks.stop()
        if services is not None:
            await stop_flows(services)
            if services.store is not None:
                await services.store.close()
        if client is not None:
            await client.close()
        if agent is not None:
            await agent.stop()
        await webhooks.stop()


async def start_flows(services: WalletServices) -> None:
    """Start every flow and let each subscribe before reconciliation publishes."""
    for flow in FLOWS:
        services.tasks.append(asyncio.create_task(flow(services), name=flow.__name__))
    await asyncio.sleep(0)


def start_backups(services: WalletServices, secret: WalletSecret) -> None:
    """Automatic backups: a task like the flows, but it needs the wallet secret."""
    assert services.store is not None
    data_dir, settings = services.data_dir, services.settings
    services.backups = WalletBackups(
        data_dir,
        secret,
        services.store,
        lambda: plan_of(data_dir, settings),
        min_interval=settings.backup_min_interval,
    )
    services.tasks.append(asyncio.create_task(services.backups.run(services.bus), name="backups"))


async def stop_flows(services: WalletServices) -> None:
    for task in services.tasks:
        task.cancel()
    await asyncio.gather(*services.tasks, return_exceptions=True)
    services.tasks.clear()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    return stop


def _write_run_file(data_dir: DataDir, ui_url: str, acapy_pid: int, webhook_port: int) -> None:
    """Pids and addresses for `status` and `stop`; no secrets."""
    facts = {
        "controller_pid": os.getpid(),
        "acapy_pid": acapy_pid,
        "ui_url": ui_url,
        "webhook_port": webhook_port,
        "started": datetime.now(UTC).isoformat(),
    }
    write_private(data_dir.run_file, json.dumps(facts, indent=2))
