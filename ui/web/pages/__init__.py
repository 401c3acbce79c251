"""The learner's screens: server-rendered pages that read through the JSON API.

`register` adds the page routes and the static assets (all local: no CDN, no fonts).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from ui.web.pages import conversation, exchanges, holdings, overview, stacks
from ui.web.pages.local_api import LOCAL_API_KEY, LocalApi
from ui.web.pages.login import login_needed, login_used_up
from ui.web.pages.problem import error_page
from ui.web.security import UiSecrets

__all__ = ["error_page", "login_needed", "login_used_up", "register"]

STATIC_DIR = Path(str(resources.files("ui.web").joinpath("static")))


def register(app: web.Application, ui: UiSecrets) -> None:
    app[LOCAL_API_KEY] = LocalApi(ui)
    app.on_cleanup.append(_close_local_api)
    router = app.router
    router.add_get("/", overview.home)
    router.add_get("/history", overview.history)
    router.add_get("/settings", overview.settings)
    router.add_post("/settings/language", overview.choose_language)
    router.add_get("/credentials", holdings.credentials)
    router.add_get("/credentials/{credential_id}", holdings.credential)
    router.add_get("/connections", holdings.connections)
    router.add_get("/connections/{connection_id}", conversation.connection)
    router.add_get("/offers/{offer_id}", exchanges.offer)
    router.add_get("/requests/{request_id}", exchanges.consent)
    stacks.register(router)
    router.add_static("/static/", STATIC_DIR, append_version=False)


async def _close_local_api(app: web.Application) -> None:
    await app[LOCAL_API_KEY].close()
