"""Accepting an invitation: check it, hand it to ACA-Py, and say which connection it gave.

ACA-Py is asked to reuse an existing connection (`use_existing_connection`): an issuer
that invites the learner again with the same DID gets the connection it already has,
not a duplicate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import BaseModel

from agent.admin_client import AdminApiError, AdminClient
from protocols.connections.errors import InvitationError
from protocols.connections.invitation import Invitation
from protocols.connections.reachability import check_reachable
from protocols.connections.services import with_one_service
from protocols.connections.short_link import resolve_invitation
from protocols.connections.views import ConnectionView, connection_view

REUSE_ACCEPTED = "reuse-accepted"
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
) -> AcceptedInvitation:
    """Parse (fetching short links), check the endpoint, then accept through ACA-Py."""
    invitation = with_one_service(await resolve_invitation(text))
    await reachable(invitation)
    try:
        oob = await client.receive_oob_invitation(invitation.as_message(), alias=alias)
    except AdminApiError as error:
        raise _refused(error) from None
    if not oob.connection_id:
        raise InvitationError(
            "invitation_refused", "the wallet's agent took the invitation but made no connection"
        )
    try:
        record = await client.connection(oob.connection_id)
    except AdminApiError as error:
        raise _refused(error) from None
    return AcceptedInvitation(
        connection=connection_view(record),
        reused=oob.state == REUSE_ACCEPTED,
        invitation_id=invitation.id,
    )


def _refused(error: AdminApiError) -> InvitationError:
    if error.status is None or error.status >= 500:
        return InvitationError("agent_unavailable", str(error))
    return InvitationError("invitation_refused", str(error))
