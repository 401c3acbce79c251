"""Accepting an invitation: check it, hand it to ACA-Py, and say which connection it gave.

ACA-Py is asked to reuse an existing connection (`use_existing_connection`): an issuer
that invites the learner again with the same DID gets the connection it already has,
not a duplicate.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from pydantic import BaseModel

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import OobRecord
from protocols.connections.errors import InvitationError
from protocols.connections.invitation import Invitation
from protocols.connections.reachability import check_reachable
from protocols.connections.services import with_one_service
from protocols.connections.short_link import resolve_invitation
from protocols.connections.views import ConnectionView, connection_view

REUSE_ACCEPTED = "reuse-accepted"
BUSY = frozenset({502, 503, 504})  # ACA-Py (or its store) is overloaded or going away
Reachability = Callable[[Invitation], Awaitable[None]]


class AcceptedInvitation(BaseModel):
    """The connection an invitation led to; `reused` when it was one we already had."""

    connection: ConnectionView
    reused: bool
    invitation_id: str


async def accept_invitation(
    client: AdminClient,
    text: str,
    alias: str | None = None,
    *,
    reachable: Reachability = check_reachable,
    ledger: bool = False,
) -> AcceptedInvitation:
    """Parse (fetching short links), check the endpoint, then accept through ACA-Py.

    `ledger`: the learner's agent has an Indy ledger, so did:sov services can be resolved.
    """
    invitation = with_one_service(await resolve_invitation(text, ledger=ledger))
    await reachable(invitation)
    oob = await _receive(client, invitation, alias)
    if not oob.connection_id:
        raise InvitationError(
            "invitation_refused", "the wallet's agent took the invitation but made no connection"
        )
    try:
        record = await client.connection(oob.connection_id)
    except AdminApiError as error:
        raise await _refused(client, error) from None
    return AcceptedInvitation(
        connection=connection_view(record),
        reused=oob.state == REUSE_ACCEPTED,
        invitation_id=invitation.id,
    )


async def _receive(client: AdminClient, invitation: Invitation, alias: str | None) -> OobRecord:
    """ACA-Py's receive; when it fails, no connection it saved half-way is left behind.

    ACA-Py saves the connection record before it builds the DID Exchange request, so a
    failure there leaves a record of an invitation the wallet reports as refused.
    """
    try:
        earlier = await client.list_connections(invitation_msg_id=invitation.id)
    except AdminApiError as error:
        raise InvitationError("agent_unavailable", str(error)) from None
    try:
        return await client.receive_oob_invitation(invitation.as_message(), alias=alias)
    except AdminApiError as error:
        refusal = await _refused(client, error)
    if refusal.code == "invitation_refused":
        known = {record.connection_id for record in earlier}
        with contextlib.suppress(AdminApiError):
            for record in await client.list_connections(invitation_msg_id=invitation.id):
                if record.connection_id not in known:
                    await client.delete_connection(record.connection_id)
    raise refusal


async def _refused(client: AdminClient, error: AdminApiError) -> InvitationError:
    """What ACA-Py's failure means: a refusal of this invitation while it is up and ready
    (its 4xx, or a 500 on an input it could not handle), else an agent that is not there.

    ACA-Py answers many invitations it cannot use with a 500; calling that "agent
    unavailable" sent learners to restart a wallet that was fine.
    """
    status = error.status
    if status is None or status in BUSY or (status >= 500 and not await client.is_ready()):
        return InvitationError("agent_unavailable", str(error))
    return InvitationError("invitation_refused", str(error), "agent")
