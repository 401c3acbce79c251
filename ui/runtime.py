"""`learner-wallet start`: wires the agent, webhooks, reconciliation and the local server.

Runs until SIGINT/SIGTERM, then stops everything it started, ACA-Py last but one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from agent.admin_client import AdminClient
from agent.ports import LOOPBACK, port_or_free
from agent.process import AcaPyProcess
from agent.reconcile import reconcile
from agent.webhooks import WebhookReceiver
from config.data_dir import DataDir
from config.settings import WalletSettings
from protocols.flows import FLOWS
from protocols.presentation.trust import load_trust_list
from protocols.wallet_services import WalletServices
from ui.catch_up import CATCH_UP_KEY, CatchUp
from ui.head_start import HeadStart, head_start
from ui.web.app import create_app, start_site
from ui.web.handover import HANDOVER_KEY, BrowserHandover
from ui.web.security import UiSecrets
from wallet.backup.auto import WalletBackups, plan_of
from wallet.controller_store import ControllerStore
from wallet.credentials.release import freeze_long_lived
from wallet.provision import ensure_ui_token, finish_first_start
from wallet.wallet_key import WalletRecord, WalletSecret, write_private

LOGGER = logging.getLogger(__name__)
# How long catching up waits for the presentation flow to take in the open proof requests.
BOOK_WAIT_SECONDS = 10.0
BOOK_LOOK_SECONDS = 0.05
FREEZE_AFTER_SECONDS = 3.0


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
    head: HeadStart | None = None,
) -> None:
    """Run the wallet while holding its data dir's lock (WalletInUse if another process has it).

    `head`: the lock taken and ACA-Py launched already (`ui/head_start.py`), for this same
    data dir, settings, record and secret; else this takes those steps first.
    """
    if head is None:
        head = await head_start(data_dir, settings, record, secret)
    head.taken = True
    with head.lock:
        try:
            await _run_wallet(head, on_ready, stop, demo, handover)
        finally:
            head.webhook_socket.close()


async def _run_wallet(
    head: HeadStart,
    on_ready: Callable[[RunningWallet], None],
    stop: asyncio.Event | None,
    demo: object | None,
    handover: BrowserHandover | None = None,
) -> None:
    """Finish the start, call `on_ready`, catch up, wait for a stop signal, shut down cleanly.

    ACA-Py is already starting; everything here until `await holder.ready()` overlaps it.
    """
    data_dir, settings, record, secret = head.data_dir, head.settings, head.record, head.secret
    stop = stop or _stop_on_signals()
    bus = head.bus
    webhooks = WebhookReceiver(bus, head.webhook_secret)
    catch_up = CatchUp()
    client = None
    runner = None
    services = None
    store = None
    freezing: asyncio.TimerHandle | None = None
    try:
        trust = load_trust_list(settings)  # a broken trust list stops the start, clearly
        # Within one `start` the welcome and the wallet share the port and browser sessions.
        ui_port = (
            handover.port if handover else port_or_free(settings.ui_port, "LEARNER_WALLET_UI_PORT")
        )
        await webhooks.start(sock=head.webhook_socket)
        store = await ControllerStore.open(data_dir, secret)
        agent: AcaPyProcess = await head.holder.ready()
        client = AdminClient(agent.admin_url, agent.admin_key)
        finish_first_start(data_dir, record, agent.launch.inbound_port)
        services = WalletServices(
            data_dir, settings, record, agent, client, bus, store, trust=trust, demo=demo
        )
        store = None  # the services own it now
        await start_flows(services)
        start_backups(services, secret)
        ui = UiSecrets(api_token=ensure_ui_token(data_dir), port=ui_port)
        app = create_app(services, ui)
        app[CATCH_UP_KEY] = catch_up
        if handover is not None:
            ui.sessions = handover.sessions
            app[HANDOVER_KEY] = handover  # Delete everything asks through it
        runner = await start_site(app, ui_port)
        ui_url = f"http://{LOOPBACK}:{ui_port}/"
        _write_run_file(data_dir, ui_url, agent.pid or 0, webhooks.port)
        login_url = f"{ui_url}login?code={ui.login_code}"
        catch_up.start("exchanges", catch_up_exchanges(services))
        # What exists once the start's burst is over lives until exit: keep it out of
        # collections (a full collection pauses the loop 50-100 ms: not before ready).
        freezing = asyncio.get_running_loop().call_later(FREEZE_AFTER_SECONDS, freeze_long_lived)
        on_ready(
            RunningWallet(
                ui_url=ui_url, login_url=login_url, acapy_pid=agent.pid or 0, agent_admin=client
            )
        )
        await stop.wait()
        LOGGER.info("stopping")
    finally:
        data_dir.run_file.unlink(missing_ok=True)
        if freezing is not None:
            freezing.cancel()
        await catch_up.cancel()
        if runner is not None:
            await runner.cleanup()
        # No new webhooks once the flows stop: none may reach a closed store.
        await webhooks.stop()
        if services is not None:
            await stop_flows(services)
            if services.store is not None:
                await services.store.close()
        if store is not None:
            await store.close()
        if client is not None:
            await client.close()
        await head.holder.agent.stop()  # the one that runs, after any port retry
        await webhooks.stop()


async def catch_up_exchanges(services: WalletServices) -> None:
    """Start-up reconciliation, after ready: what arrived or moved while the wallet was
    stopped is published as its webhooks would have been, then waited for until the
    request book knows each open proof request (a failed read leaves it to the book's
    next hint, as before)."""
    found = await reconcile(services.client, services.bus)
    LOGGER.info(
        "reconciled: %d offers, %d proof requests pending",
        len(found.offers),
        len(found.requests),
    )
    opened = {r.pres_ex_id for r in found.requests + found.waiting_presentations}
    await _until_known(services, opened)


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


async def _until_known(services: WalletServices, exchange_ids: set[str]) -> None:
    """The request book (protocols/presentation/) signals nothing: look every 50 ms."""
    for _ in range(int(BOOK_WAIT_SECONDS / BOOK_LOOK_SECONDS)):
        if all(services.requests.knows(exchange_id) for exchange_id in exchange_ids):
            return
        await asyncio.sleep(BOOK_LOOK_SECONDS)


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
