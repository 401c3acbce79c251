"""Everything a running wallet's flows and handlers share, built once by `ui/runtime.py`.

Features add their own stores and state here as fields; flows receive this object.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agent.admin_client import AdminClient
from agent.events import EventBus
from agent.process import AcaPyProcess
from config.data_dir import DataDir
from config.settings import WalletSettings
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletRecord


@dataclass
class WalletServices:
    data_dir: DataDir
    settings: WalletSettings
    record: WalletRecord
    agent: AcaPyProcess
    client: AdminClient
    bus: EventBus
    store: ControllerStore | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
