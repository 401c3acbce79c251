"""How web handlers reach the running wallet's shared services."""

from __future__ import annotations

from aiohttp import web

from protocols.wallet_services import WalletServices

SERVICES_KEY = web.AppKey("services", WalletServices)


def services_of(request: web.Request) -> WalletServices:
    return request.app[SERVICES_KEY]
