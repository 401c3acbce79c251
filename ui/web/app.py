"""The local web server: JSON API (and, with later issues, the learner's screens)."""

from __future__ import annotations

from aiohttp import web

from agent.ports import LOOPBACK
from ui.web import (
    backup_api,
    connection_changes_api,
    connections_api,
    credentials_api,
    dids_api,
    events_api,
    history_api,
    messages_api,
    offers_api,
    pages,
    requests_api,
    settings_api,
    stacks_api,
    status_api,
    wipe_api,
)
from ui.web.errors import ApiError, errors_middleware
from ui.web.security import (
    AUTH_KEY,
    SESSION_COOKIE,
    UiSecrets,
    security_headers,
    security_middleware,
)
from ui.web.services import SERVICES_KEY, WalletServices

# Each JSON API module has `register(router)`; a feature adds its module here.
API_MODULES = [dids_api, offers_api, status_api, credentials_api]
API_MODULES += [requests_api, history_api, events_api]
API_MODULES += [connections_api, connection_changes_api, messages_api]
API_MODULES += [settings_api]
API_MODULES += [backup_api]
API_MODULES += [wipe_api]
API_MODULES += [stacks_api]

UI_SECRETS_KEY = web.AppKey("ui_secrets", UiSecrets)


def create_app(services: WalletServices, ui: UiSecrets) -> web.Application:
    app = web.Application(
        middlewares=[
            security_headers(),
            security_middleware(ui, login_page=pages.login_needed),
            errors_middleware(pages.error_page),
        ],
        client_max_size=256 * 1024,
    )
    app[SERVICES_KEY] = services
    app[UI_SECRETS_KEY] = ui
    app.router.add_get("/login", login)
    app.router.add_post("/api/session/login-link", new_login_link)
    for module in API_MODULES:
        module.register(app.router)
    events_api.setup(app)
    pages.register(app, ui)
    if services.demo is not None:  # `learner-wallet demo` only: the guided panel's API
        from ui.web import demo_api

        demo_api.setup(app)
    return app


async def login(request: web.Request) -> web.StreamResponse:
    """Trade the one-time code from the printed link for an HttpOnly session cookie."""
    ui = request.app[UI_SECRETS_KEY]
    session_id = ui.redeem_login_code(request.query.get("code", ""))
    if session_id is None:
        return pages.login_used_up(request)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/", secure=False
    )
    raise response


async def new_login_link(request: web.Request) -> web.Response:
    """A fresh one-time login link, for `learner-wallet login` (bearer token only)."""
    if request.get(AUTH_KEY) != "token":
        raise ApiError(403, "token_required")
    ui = request.app[UI_SECRETS_KEY]
    code = ui.new_login_code()
    return web.json_response({"login_url": f"http://127.0.0.1:{ui.port}/login?code={code}"})


async def start_site(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, LOOPBACK, port).start()
    return runner
