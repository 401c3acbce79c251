"""Serve the welcome until a wallet exists (or the learner stops `start`)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

from agent.ports import LOOPBACK
from config.data_dir import DataDir
from ui.web.app import start_site
from ui.web.handover import BrowserHandover
from ui.web.security import UiSecrets
from ui.web.welcome.app import create_welcome_app
from ui.web.welcome.state import WelcomeOutcome, WelcomeState, WipeNotice

# Told the UI's address and its one-time login link.
Announce = Callable[[str, str], None]


async def run_welcome(
    data_dir: DataDir,
    handover: BrowserHandover,
    announce: Announce,
    notice: WipeNotice | None = None,
) -> WelcomeOutcome | None:
    """The outcome once a wallet was made or restored; None when stopped first.

    Browser sessions live in `handover.sessions`, shared with the wallet before and after,
    so a browser logged in to either needs no new link. The welcome has no script API: its
    bearer token is random and known to nobody.
    """
    state = WelcomeState(data_dir, notice=notice)
    ui = UiSecrets(
        api_token=secrets.token_urlsafe(32), port=handover.port, sessions=handover.sessions
    )
    runner = await start_site(create_welcome_app(state, ui), handover.port)
    try:
        ui_url = f"http://{LOOPBACK}:{handover.port}/"
        announce(ui_url, f"{ui_url}login?code={ui.login_code}")
        finished = asyncio.create_task(state.finished.wait())
        stopped = asyncio.create_task(handover.stop.wait())
        await asyncio.wait({finished, stopped}, return_when=asyncio.FIRST_COMPLETED)
        for task in (finished, stopped):
            task.cancel()
    finally:
        await runner.cleanup()
    return state.outcome
