"""The page a browser gets when a screen cannot be shown: what happened, and a way back."""

from __future__ import annotations

from aiohttp import web

from ui.web.errors import ApiError, words_of
from ui.web.pages.render import render


def error_page(request: web.Request, error: ApiError) -> web.Response:
    problem = error.body(words_of(request))
    return render(request, "error.html", status=error.status, problem=problem)
