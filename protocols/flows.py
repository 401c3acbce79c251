"""The background flows of a running wallet, started by `ui/runtime.py` before reconciling.

Each flow is `async def flow(services) -> None`: it subscribes to the event bus, re-reads
records from the admin API (webhooks are hints), and runs until cancelled. A feature adds
its flow to FLOWS with one line.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from protocols.connections.own_invitation_expiry import own_invitations_flow
from protocols.delivery import delivery_flow
from protocols.issuance.flow import offers_flow
from protocols.messages.inbound import messages_flow
from protocols.peers import connection_cache_flow
from protocols.presentation.flow import presentation_flow
from protocols.recovery import recovery_flow
from protocols.wallet_services import WalletServices
from wallet.credentials.sync import credentials_flow

Flow = Callable[[WalletServices], Coroutine[Any, Any, None]]

# Order matters a little: each flow subscribes to the bus as it starts, and on every event
# the subscribers wake in that order. The presentation flow goes first so a proof request's
# read leaves for ACA-Py before the other flows look at the same webhook.
FLOWS: list[Flow] = [
    presentation_flow,
    offers_flow,
    credentials_flow,
    connection_cache_flow,
    own_invitations_flow,
    delivery_flow,
    recovery_flow,
    messages_flow,
]
