"""What passes between the welcome and the wallet within one `start`.

The UI keeps its port and the browser keeps its session across the switch, so the learner
never needs a second login link; and Delete everything in Settings asks the running wallet,
through the same object, to stop so that the wipe finds nothing open.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class BrowserHandover:
    port: int
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> CSRF token
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    wipe_requested: bool = False

    def request_wipe(self) -> None:
        """Stop the wallet; `start` then deletes it and shows the welcome."""
        self.wipe_requested = True
        self.stop.set()

    def next_phase(self) -> None:
        """Ready for the next server on the same port: nothing asked of it yet."""
        self.stop = asyncio.Event()
        self.wipe_requested = False


HANDOVER_KEY = web.AppKey("handover", BrowserHandover)
