"""What a browser without a session sees: how to log in, in words, not a JSON error."""

from __future__ import annotations

from aiohttp import web

from ui.web.pages.render import render


def login_needed(request: web.Request) -> web.Response:
    return render(request, "login.html", status=401, used_up=False)


def login_used_up(request: web.Request) -> web.Response:
    return render(request, "login.html", status=401, used_up=True)
