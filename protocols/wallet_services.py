"""Everything a running wallet's flows and handlers share, built once by `ui/runtime.py`.

Features add their own stores and state here as fields; flows receive this object.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent.admin_client import AdminClient
from agent.connection_cache import ConnectionCache
from agent.events import EventBus
from agent.process import AcaPyProcess
from config.data_dir import DataDir
from config.settings import WalletSettings
from protocols.consent import TrustList
from protocols.presentation.pending import RequestBook
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletRecord

if TYPE_CHECKING:
    from protocols.delivery import DeliveryStatus
    from protocols.issuance.inbox import OfferInbox
    from protocols.messages.book import MessageBook
    from protocols.presentation.prompt_inputs import PromptInputsReader
    from wallet.backup.auto import WalletBackups
    from wallet.credentials.stored import StoredCredentials


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
    trust: TrustList = field(default_factory=TrustList)  # from settings.trust_list
    requests: RequestBook = field(default_factory=RequestBook)  # proof requests, in memory
    offers: OfferInbox | None = None  # made by protocols.issuance.flow.offer_inbox
    credentials: StoredCredentials | None = None  # made by wallet.credentials.sync
    demo: object | None = None  # the guided demo (demo/story.py), only in `demo` mode
    connections: ConnectionCache | None = None  # made by protocols.peers.connection_cache
    prompt_inputs: PromptInputsReader | None = None  # made by presentation.reading
    delivery: DeliveryStatus | None = None  # kept by protocols.delivery
    backups: WalletBackups | None = None  # made and run by ui/runtime.py
    messages: MessageBook | None = None  # made by protocols.messages.inbound.message_book
