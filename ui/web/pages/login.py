"""What a browser without a session sees: how to log in, in words, not a JSON error."""

from __future__ import annotations

from aiohttp import web

from config.wallet_command import wallet_command
from ui.web.pages.render import render
from ui.web.services import services_of


def login_needed(request: web.Request) -> web.Response:
    return _login_page(request, used_up=False)


def login_used_up(request: web.Request) -> web.Response:
    return _login_page(request, used_up=True)


def _login_page(request: web.Request, used_up: bool) -> web.Response:
    """The command that prints a fresh link for this wallet (the demo's too), as pasted.

    It names the data dir and the executable's path, which this user may know anyway; never
    a token or a login code.
    """
    data_dir = services_of(request).data_dir
    return render(
        request,
        "login.html",
        status=401,
        used_up=used_up,
        login_command=wallet_command(data_dir, "login", in_browser=True),
        data_dir=str(data_dir.root),
    )
