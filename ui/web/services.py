"""What the web handlers work with: the running agent and the learner's wallet facts."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from agent.admin_client import AdminClient
from agent.events import EventBus
from agent.process import AcaPyProcess
from config.data_dir import DataDir
from config.settings import WalletSettings
from wallet.wallet_key import WalletRecord


@dataclass
class WalletServices:
    data_dir: DataDir
    settings: WalletSettings
    record: WalletRecord
    agent: AcaPyProcess
    client: AdminClient
    bus: EventBus


SERVICES_KEY = web.AppKey("services", WalletServices)


def services_of(request: web.Request) -> WalletServices:
    return request.app[SERVICES_KEY]
