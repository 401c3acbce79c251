"""ACA-Py plugin: a proof request becomes a prompt in one admin round trip (issue #20).

Without it the controller asks the holder's ACA-Py twice when a request arrives: the
exchange record (webhooks omit the request), then the candidate credentials. Each round
trip costs ACA-Py's admin stack (authentication, routing, JSON) while ACA-Py is still busy
with the protocol. `GET /learner-wallet/presentations/{pres_ex_id}/prompt-inputs`
(`routes.py`) answers both at once, inside ACA-Py:

- the record, as ACA-Py's own record route gives it;
- the controller's checks of the request (`protocols.consent.validation.check_request`),
  run here, before anything is searched, so a hostile request never makes ACA-Py search
  the wallet, and the controller does not run them again;
- the candidates, found by the same paging code the controller uses
  (`protocols.presentation.candidates`), over ACA-Py's own candidate and credential route
  handlers called in-process (`in_process.py`), so what is found is exactly what the
  routes would answer; parts the wallet's own index answers better are left to it
  (`protocols.presentation.index_parts`).

ACA-Py's admin API key guards the route like every other. The controller falls back to the
two plain routes when the route is missing (an ACA-Py started without this plugin).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_PATTERN

LOGGER = logging.getLogger(__name__)


async def setup(context: Any) -> None:
    """Load the consent engine once ACA-Py is up, off its event loop (see `warm_up`)."""
    context.inject(EventBus).subscribe(STARTUP_EVENT_PATTERN, _on_startup)


async def _on_startup(profile: Profile, event: Event) -> None:
    # A task: the start-up event is awaited by ACA-Py before it reports ready.
    asyncio.get_running_loop().run_in_executor(None, warm_up)


def warm_up() -> None:
    """Import what the route needs (the consent engine and pydantic, about 0.3 s) in a
    thread after start-up, so neither ACA-Py's start nor the first prompt pays for it."""
    from . import inputs  # noqa: F401 (imported for its side effect: the modules load)

    LOGGER.debug("prompt inputs ready")
