"""The first steps of running a wallet, taken before the web app is even imported.

ACA-Py needs seconds to start and the controller about a second to import its web app and
open its store: launched first, ACA-Py starts while the controller does the rest (issue
#20). Only what ACA-Py's launch needs happens before: the data dir's lock, the twin guard,
the key check, and a listening socket for its webhooks (served once the receiver is up;
until then ACA-Py's posts wait in the socket's backlog, none is lost).
"""

from __future__ import annotations

import contextlib
import secrets
import socket
from dataclasses import dataclass

from agent.events import EventBus
from agent.ports import LOOPBACK
from config.data_dir import DataDir
from config.settings import WalletSettings
from config.wallet_lock import hold_wallet_lock
from wallet.holder_agent import HolderStarting, spawn_holder_agent
from wallet.twin_guard import refuse_if_original_runs
from wallet.wallet_key import WalletRecord, WalletSecret

WEBHOOK_BACKLOG = 128


@dataclass
class HeadStart:
    """A wallet's lock held and its ACA-Py launched; `ui/runtime.py` takes it from here."""

    data_dir: DataDir
    settings: WalletSettings
    record: WalletRecord
    secret: WalletSecret
    lock: contextlib.ExitStack  # closing it releases the data dir's lock
    bus: EventBus
    webhook_secret: str
    webhook_socket: socket.socket
    holder: HolderStarting
    taken: bool = False  # by `run_wallet`, which then undoes it all itself

    async def abandon(self) -> None:
        """Undo everything, for a start that ends before the runtime took over."""
        try:
            await self.holder.agent.stop()
        finally:
            self.webhook_socket.close()
            self.lock.close()


async def head_start(
    data_dir: DataDir, settings: WalletSettings, record: WalletRecord, secret: WalletSecret
) -> HeadStart:
    """Lock, check and launch; raises WalletInUse, WalletKeyError or SettingsError as before."""
    lock = contextlib.ExitStack()
    lock.enter_context(hold_wallet_lock(data_dir))
    listening = None
    try:
        refuse_if_original_runs(data_dir, record)
        listening = webhook_socket()
        bus = EventBus()
        webhook_secret = secrets.token_urlsafe(32)
        port = listening.getsockname()[1]
        holder = await spawn_holder_agent(
            data_dir,
            agent_settings(settings),
            record,
            secret,
            webhook_url=f"http://{LOOPBACK}:{port}/webhooks",  # WebhookReceiver.url
            webhook_secret=webhook_secret,
            bus=bus,
        )
    except BaseException:
        if listening is not None:
            listening.close()
        lock.close()
        raise
    return HeadStart(
        data_dir, settings, record, secret, lock, bus, webhook_secret, listening, holder
    )


def agent_settings(settings: WalletSettings) -> WalletSettings:
    """`settings_for_agent`, whose invitation parsing loads only when there is a mediator."""
    if not settings.mediator_invitation:
        return settings
    from protocols.connections.mediator import settings_for_agent

    return settings_for_agent(settings)


def webhook_socket() -> socket.socket:
    """A loopback port bound and listening now, so ACA-Py can be told it before the
    receiver (and aiohttp's server) is loaded."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((LOOPBACK, 0))
        sock.listen(WEBHOOK_BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock
