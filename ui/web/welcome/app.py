"""The welcome's web app: its pages, the two set-up routes, and the wallet UI's defences.

The same security middleware as the wallet's UI (loopback Host, one-time login link, session
cookie, Origin and CSRF on every POST) and the same templates' look.
"""

from __future__ import annotations

from aiohttp import web

from ui.web.errors import errors_middleware
from ui.web.pages import STATIC_DIR, error_page
from ui.web.pages.overview import choose_language
from ui.web.pages.render import render
from ui.web.security import SESSION_COOKIE, UiSecrets, security_headers, security_middleware
from ui.web.welcome import setup_api
from ui.web.welcome.setup_api import needs_passphrase
from ui.web.welcome.state import WELCOME_KEY, WelcomeState
from ui.web.welcome.upload import MAX_BACKUP_BYTES

WELCOME_UI_KEY = web.AppKey("welcome_ui", UiSecrets)


def create_welcome_app(state: WelcomeState, ui: UiSecrets) -> web.Application:
    app = web.Application(
        middlewares=[
            security_headers(),
            security_middleware(ui, login_page=login_needed),
            errors_middleware(error_page),
        ],
        client_max_size=64 * 1024,  # JSON bodies; the backup upload is streamed
    )
    app[WELCOME_KEY] = state
    app[WELCOME_UI_KEY] = ui
    app.router.add_get("/login", login)
    app.router.add_get("/", welcome)
    app.router.add_get("/welcome/state", welcome_state)
    app.router.add_post("/settings/language", choose_language)
    setup_api.register(app.router)
    app.router.add_static("/static/", STATIC_DIR, append_version=False)
    return app


async def welcome(request: web.Request) -> web.Response:
    state = request.app[WELCOME_KEY]
    return render(
        request,
        "welcome.html",
        notice=state.notice,
        blocked=state.blocked,
        data_dir=str(state.data_dir.root),
        needs_passphrase=needs_passphrase(),
        max_megabytes=MAX_BACKUP_BYTES // 1024**2,
    )


async def welcome_state(request: web.Request) -> web.Response:
    """For the browser waiting after Delete everything: the welcome is up (and in which state)."""
    state = request.app[WELCOME_KEY]
    return web.json_response({"welcome": True, "blocked": state.blocked})


async def login(request: web.Request) -> web.StreamResponse:
    """The one-time code from the printed link, traded for a session cookie, as in the wallet."""
    session_id = request.app[WELCOME_UI_KEY].redeem_login_code(request.query.get("code", ""))
    if session_id is None:
        return _login_page(request, used_up=True)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/", secure=False
    )
    raise response


def login_needed(request: web.Request) -> web.Response:
    return _login_page(request, used_up=False)


def _login_page(request: web.Request, used_up: bool) -> web.Response:
    """No `login` command works before a wallet runs: a new `start` prints a new link."""
    return render(request, "welcome_login.html", status=401, used_up=used_up)
