"""Deleting a connection: ACA-Py forgets it, and the wallet forgets what it kept about it.

What deletion means for the learner (the connection page says it before asking): the peer
can no longer send offers, requests or messages; credentials received from it stay; to talk
again takes a new invitation. The conversation and the learner's name for it go too.
"""

from __future__ import annotations

import logging

from agent.admin_client import AdminApiError
from protocols.connections.names import connection_names
from protocols.messages.book import message_book
from protocols.peers import connection_cache
from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)


class ConnectionNotFound(Exception):
    """ACA-Py has no connection of that id."""


async def forget_connection(services: WalletServices, connection_id: str) -> int:
    """Drop the conversation and the learner's name; how many messages went."""
    removed = await message_book(services).forget(connection_id)
    await connection_names(services).forget(connection_id)
    cache = connection_cache(services)
    cache.set_name(connection_id, None)
    cache.forget(connection_id)
    return removed


async def remove_connection(services: WalletServices, connection_id: str) -> int:
    """Delete the connection at ACA-Py, then its messages and name; how many messages went.

    Raises ConnectionNotFound, or AdminApiError when ACA-Py could not delete it (then
    nothing of the wallet's own is removed either). The messages are counted first: ACA-Py's
    `deleted` webhook may reach the messages flow, which forgets them too, before ACA-Py
    answers the deletion.
    """
    held = await message_book(services).count(connection_id)
    try:
        await services.client.delete_connection(connection_id)
    except AdminApiError as error:
        if error.status in (404, 422):
            raise ConnectionNotFound(f"no connection {connection_id}") from None
        raise
    await forget_connection(services, connection_id)
    LOGGER.info("connection %s deleted with %d messages", connection_id, held)
    return held
