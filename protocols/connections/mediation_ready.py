"""In `pickup` delivery, connect only once the mediator has granted mediation.

Until the grant, the learner's agent has no routing keys and no endpoint to tell a peer
(it advertises only `didcomm:transport/queue`), so a connection made then could never
reach the learner and would hang half-way. Right after start the grant is usually
seconds away: wait for it a little, then refuse in words the learner can act on.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.admin_client import AdminApiError, AdminClient
from config.settings import WalletSettings

GRANT_WAIT = 15.0  # seconds: a mediator that is up grants well within this
POLL_EVERY = 0.25
GRANTED = "granted"


class MediationNotReady(Exception):
    """The mediator has not granted mediation (yet): no connection can reach the learner."""


async def default_mediation_granted(client: AdminClient) -> bool:
    try:
        record: Any = await client.request("GET", "/mediation/default-mediator")
    except AdminApiError as error:
        if error.status == 404:
            return False
        raise
    return isinstance(record, dict) and record.get("state") == GRANTED


async def require_mediation(
    client: AdminClient, settings: WalletSettings, wait: float | None = None
) -> None:
    """Return once the learner can be reached; raise MediationNotReady after `wait` s."""
    if settings.delivery_mode != "pickup":
        return
    deadline = time.monotonic() + (GRANT_WAIT if wait is None else wait)
    while not await default_mediation_granted(client):
        if time.monotonic() >= deadline:
            raise MediationNotReady
        await asyncio.sleep(POLL_EVERY)
