"""Numbers in a JSON route's query string, checked the same way by every route."""

from __future__ import annotations

from aiohttp import web

from ui.web.errors import ApiError


def query_number(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """`?name=` as a whole number in [low, high]; 400 `invalid_<name>` otherwise."""
    text = request.query.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise ApiError(400, f"invalid_{name}", params={"low": low, "high": high})
    return int(text)
