"""`GET /api/history?limit=&offset=`: what was shared (names only), with whom, when."""

from __future__ import annotations

from aiohttp import web

from ui.web.errors import ApiError
from ui.web.query import query_number
from ui.web.services import services_of
from wallet.history import MAX_PAGE, History


async def list_history(request: web.Request) -> web.Response:
    store = services_of(request).store
    if store is None:
        raise ApiError(503, "wallet_not_ready")
    limit = query_number(request, "limit", 50, 1, MAX_PAGE)
    offset = query_number(request, "offset", 0, 0, 10**9)
    page = await History(store).page(limit=limit, offset=offset)
    return web.json_response(text=page.model_dump_json())


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/history", list_history)
