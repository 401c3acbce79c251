"""How web handlers reach the running wallet's shared services."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from protocols.wallet_services import WalletServices
from ui.web.errors import ApiError

SERVICES_KEY = web.AppKey("services", WalletServices)


def services_of(request: web.Request) -> WalletServices:
    return request.app[SERVICES_KEY]


def wallet_part[T](request: web.Request, make: Callable[[WalletServices], T]) -> T:
    """A part of the running wallet made on first use (offer inbox, message book, names):
    503 `wallet_not_ready` while it cannot be made yet (its store is not open)."""
    try:
        return make(services_of(request))
    except RuntimeError as error:
        raise ApiError(503, "wallet_not_ready", detail=str(error)) from None
