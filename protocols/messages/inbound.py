"""The messages flow: keep each basic message ACA-Py announces, and tell the screens.

ACA-Py's `basicmessages` webhook carries the message itself (and ACA-Py keeps no copy), so
unlike other hints it is stored as it comes. Nothing here logs a message's text.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, ValidationError

from agent.events import AgentEvent
from protocols.connections.names import StoreUnavailable, connection_names
from protocols.connections.removal import forget_connection
from protocols.messages.book import MessageStoreError, message_book, received_key
from protocols.messages.models import BasicMessage, bounded
from protocols.peers import connection_cache
from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)
TOPIC = "basicmessages"
RECEIVED_TOPIC = "message_received"


class BasicMessageHook(BaseModel):
    """The webhook's payload (acapy_agent/protocols/basicmessage/v1_0/handlers)."""

    model_config = ConfigDict(extra="ignore")

    connection_id: str
    message_id: str
    content: str | None = None
    state: str | None = None
    sent_time: str | None = None


async def keep_received(services: WalletServices, event: AgentEvent) -> BasicMessage | None:
    """Store the message a webhook brought; None for a duplicate or a payload of no use."""
    try:
        hook = BasicMessageHook.model_validate(event.payload)
    except ValidationError:
        LOGGER.warning("a basic message webhook without its connection or id was ignored")
        return None
    if hook.state not in (None, "received"):
        return None
    text, cut = bounded(hook.content or "")
    message = BasicMessage(
        connection_id=hook.connection_id,
        direction="received",
        sent_time=hook.sent_time[:64] if hook.sent_time else None,
        text=text,
        cut=cut,
    )
    kept = await message_book(services).add(
        message, received_key(hook.connection_id, hook.message_id)
    )
    if not kept:
        return None
    payload = {"connection_id": message.connection_id, "message_id": message.id}
    services.bus.publish(AgentEvent(topic=RECEIVED_TOPIC, payload=payload, source="wallet"))
    LOGGER.info("message %s kept from connection %s", message.id, message.connection_id)
    return message


async def messages_flow(services: WalletServices) -> None:
    """Run until cancelled: messages in, and conversations of deleted connections out."""
    async with services.bus.subscribe() as queue:
        try:
            connection_cache(services).set_names(await connection_names(services).all())
        except StoreUnavailable as error:
            LOGGER.warning("the learner's connection names: %s", error)
        while True:
            event = await queue.get()
            try:
                if event.topic == TOPIC:
                    await keep_received(services, event)
                elif event.topic == "connections" and event.payload.get("state") == "deleted":
                    connection_id = event.payload.get("connection_id")
                    if isinstance(connection_id, str):
                        await forget_connection(services, connection_id)
            except (MessageStoreError, StoreUnavailable) as error:
                LOGGER.warning("messages not updated for %s: %s", event.topic, error)
