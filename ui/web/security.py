"""Defences of the local UI against other programs and web pages on the same computer.

- Host must be our own loopback address (DNS rebinding).
- /api/* needs the bearer token from `<data dir>/ui-token` or the session cookie.
- State-changing requests from a browser need our Origin and the CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from ui.web.errors import ApiError, Handler, error_response, wants_page

SESSION_COOKIE = "lw_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/login", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)  # CSS, JS and icons: nothing secret
AUTH_KEY = web.RequestKey("auth", str)  # "token" or "session"
CSRF_KEY = web.RequestKey("csrf", str)


@dataclass
class UiSecrets:
    """The API token (also on disk), a one-time login code, and live browser sessions."""

    api_token: str
    port: int = 0
    login_code: str | None = field(default_factory=lambda: secrets.token_urlsafe(24))
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> CSRF token

    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def allowed_origins(self) -> set[str]:
        return {f"http://{host}" for host in self.allowed_hosts()}

    def redeem_login_code(self, code: str) -> str | None:
        """Trade the one-time code for a new session id; the code then stops working."""
        if self.login_code is None or not hmac.compare_digest(code, self.login_code):
            return None
        self.login_code = None
        session_id = secrets.token_urlsafe(32)
        self.sessions[session_id] = secrets.token_urlsafe(32)
        return session_id

    def new_login_code(self) -> str:
        self.login_code = secrets.token_urlsafe(24)
        return self.login_code


def _bearer_ok(request: web.Request, ui: UiSecrets) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), ui.api_token)


def _session_csrf(request: web.Request, ui: UiSecrets) -> str | None:
    session_id = request.cookies.get(SESSION_COOKIE, "")
    for known, csrf in ui.sessions.items():
        if hmac.compare_digest(session_id, known):
            return csrf
    return None


def security_middleware(
    ui: UiSecrets, login_page: Callable[[web.Request], web.Response] | None = None
) -> Middleware:
    """`login_page` answers a browser that opens a screen without a session."""

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.host not in ui.allowed_hosts():
            return error_response(ApiError(403, "bad_host"), request)
        origin = request.headers.get("Origin")
        if origin is not None and origin not in ui.allowed_origins():
            return error_response(ApiError(403, "bad_origin"), request)
        if request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES):
            return await handler(request)
        if _bearer_ok(request, ui):
            request[AUTH_KEY] = "token"
            return await handler(request)
        csrf = _session_csrf(request, ui)
        if csrf is None:
            if login_page is not None and wants_page(request):
                return login_page(request)
            return error_response(ApiError(401, "unauthorized"), request)
        if request.method not in SAFE_METHODS:
            given = request.headers.get(CSRF_HEADER, "")
            if origin is None or not hmac.compare_digest(given, csrf):
                return error_response(ApiError(403, "csrf"), request)
        request[AUTH_KEY] = "session"
        request[CSRF_KEY] = csrf
        return await handler(request)

    return check


def security_headers() -> Middleware:
    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return add_headers
