"""The background flows of a running wallet, started by `ui/runtime.py` before reconciling.

Each flow is `async def flow(services) -> None`: it subscribes to the event bus, re-reads
records from the admin API (webhooks are hints), and runs until cancelled. A feature adds
its flow to FLOWS with one line.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from protocols.wallet_services import WalletServices

Flow = Callable[[WalletServices], Coroutine[Any, Any, None]]

FLOWS: list[Flow] = []
