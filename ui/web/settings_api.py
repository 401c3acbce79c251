"""GET/PUT /api/settings: the editable settings, saved to config.toml for the next start."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from config.settings import SettingsError
from config.settings_file import (
    EDITABLE,
    SettingsRefused,
    editable_of,
    overridden,
    save_settings,
    saved_values,
)
from ui.web.errors import ApiError
from ui.web.services import services_of

RESTART_MESSAGE = "saved; restart the wallet to apply"


async def get_settings(request: web.Request) -> web.Response:
    """What runs now and what the file says (they differ until the wallet restarts)."""
    services = services_of(request)
    config_file = services.data_dir.config_file
    try:
        saved = {k: v for k, v in saved_values(config_file).items() if k in EDITABLE}
    except SettingsError as error:
        raise _unreadable(error) from None
    running = editable_of(services.settings)
    return web.json_response(
        {
            "config_file": str(config_file),
            "editable": list(EDITABLE),
            "running": running,
            "saved": {**running, **saved},
        }
    )


async def put_settings(request: web.Request) -> web.Response:
    """Validate with the WalletSettings rules, write atomically, say what needs a restart."""
    services = services_of(request)
    changes = await _changes_of(request)
    try:
        saved = save_settings(services.data_dir.config_file, changes)
    except SettingsRefused as error:
        raise ApiError(422, "invalid_settings", str(error),
                       f"editable settings are {', '.join(EDITABLE)}; nothing was saved",
                       ) from None  # fmt: skip
    except SettingsError as error:
        raise _unreadable(error) from None
    running = editable_of(services.settings)
    values = editable_of(saved)
    restart = [name for name in EDITABLE if values[name] != running[name]]
    body: dict[str, Any] = {
        "saved": True,
        "config_file": str(services.data_dir.config_file),
        "settings": values,
        "restart_needed": restart,
        "message": RESTART_MESSAGE if restart else "saved; nothing changed",
        "overridden_by_environment": overridden(list(changes)),
    }
    return web.json_response(body)


async def _changes_of(request: web.Request) -> dict[str, Any]:
    try:
        changes = await request.json()
    except ValueError:
        raise ApiError(400, "bad_json", "the body is not JSON",
                       'send an object such as {"label": "Ada"}') from None  # fmt: skip
    if not isinstance(changes, dict) or not changes:
        raise ApiError(400, "bad_json", "the body must be a non-empty JSON object",
                       f"give one or more of {', '.join(EDITABLE)}")  # fmt: skip
    return changes


def _unreadable(error: SettingsError) -> ApiError:
    return ApiError(409, "config_unreadable", str(error),
                    "fix or remove config.toml in the data folder, then try again")  # fmt: skip


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/settings", get_settings)
    router.add_put("/api/settings", put_settings)
