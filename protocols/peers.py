"""The running wallet's one cache of connection records, and the flow that keeps it true.

Offers, credentials and proof requests all name their peer; `ConnectionCache` keeps an
active connection's record so each webhook does not read it again (see agent/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.connection_cache import ConnectionCache

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices


def connection_cache(services: WalletServices) -> ConnectionCache:
    """The cache, made on first use."""
    if services.connections is None:
        services.connections = ConnectionCache(services.client)
    return services.connections


async def connection_cache_flow(services: WalletServices) -> None:
    """Forget cached connection records as `connections` events name them."""
    await connection_cache(services).watch(services.bus)
