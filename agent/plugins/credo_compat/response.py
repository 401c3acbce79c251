"""A DID exchange response that gets its missing `pthid` back before ACA-Py accepts it.

RFC 0023 says the response's thread carries the invitation as `pthid`; ACA-Py's `complete`
copies the response's thread and must have it. When an inviter leaves it out (Credo-ts
0.5), the `pthid` of our own request on the same thread is the right value: the invitation
id, or the inviter's public DID for an implicit invitation, as ACA-Py itself sends it.
"""

from __future__ import annotations

import logging

from acapy_agent.connections.models.conn_record import ConnRecord
from acapy_agent.messaging.base_handler import BaseResponder, RequestContext
from acapy_agent.protocols.didexchange.v1_0.handlers.response_handler import (
    DIDXResponseHandler,
)
from acapy_agent.protocols.didexchange.v1_0.messages.response import (
    DIDXResponse,
    DIDXResponseSchema,
)
from acapy_agent.storage.error import StorageNotFoundError

LOGGER = logging.getLogger(__name__)
HANDLER = "agent.plugins.credo_compat.response.ThreadCompletingResponseHandler"


class ThreadCompletingResponse(DIDXResponse):
    """ACA-Py's response message, handled by `ThreadCompletingResponseHandler`."""

    class Meta(DIDXResponse.Meta):
        handler_class = HANDLER
        schema_class = "ThreadCompletingResponseSchema"


class ThreadCompletingResponseSchema(DIDXResponseSchema):
    class Meta(DIDXResponseSchema.Meta):
        model_class = ThreadCompletingResponse


async def restore_parent_thread(context: RequestContext, response: DIDXResponse) -> None:
    """Set `pthid` from the connection our request opened, when the inviter left it out."""
    thread = response._thread
    if thread is None or not thread.thid or thread.pthid:
        return
    connection = await _requesting_connection(context, thread.thid)
    if connection is None:
        return  # not ours: ACA-Py reports the unknown thread itself
    parent = connection.invitation_msg_id or connection.their_public_did
    if not parent:
        return
    response.assign_thread_id(thid=thread.thid, pthid=parent)
    LOGGER.info(
        "credo_compat: DID exchange response on connection %s had no pthid; using %s",
        connection.connection_id,
        parent,
    )


async def _requesting_connection(context: RequestContext, request_id: str) -> ConnRecord | None:
    """Our connection whose request opened this thread (the inviter's role has two names)."""
    async with context.profile.session() as session:
        for role in (ConnRecord.Role.RESPONDER.rfc23, ConnRecord.Role.RESPONDER.rfc160):
            try:
                return await ConnRecord.retrieve_by_request_id(session, request_id, their_role=role)
            except StorageNotFoundError:
                continue
    return None


class ThreadCompletingResponseHandler(DIDXResponseHandler):
    """ACA-Py's response handler, after `restore_parent_thread`."""

    async def handle(self, context: RequestContext, responder: BaseResponder) -> None:
        if isinstance(context.message, DIDXResponse):
            await restore_parent_thread(context, context.message)
        await super().handle(context, responder)
