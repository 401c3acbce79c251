"""Choosing one of an invitation's services: ACA-Py 1.7's out-of-band handler refuses an
invitation that lists more than one, and Credo lists an `http` and a `ws` one.

The wallet picks by transport: for a peer, plain request-and-answer transports first (its
answers reach the wallet through its own inbound path or its mediator anyway); for the
learner's mediator in `pickup` delivery, a WebSocket first, because the wallet receives
everything on that one socket.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from protocols.connections.invitation import Invitation, InvitationService
from protocols.connections.reachability import did_peer_2_endpoint

FOR_PEERS = ("https", "http", "wss", "ws")
FOR_PICKUP = ("wss", "ws", "https", "http")


def service_scheme(service: InvitationService | str) -> str | None:
    """The transport of a service as the invitation says it (None for a DID to resolve)."""
    if isinstance(service, str):
        endpoint = did_peer_2_endpoint(service) if service.startswith("did:peer:2") else None
    else:
        endpoint = service.service_endpoint
    return urlsplit(endpoint).scheme.lower() or None if endpoint else None


def with_one_service(invitation: Invitation, preference: tuple[str, ...] = FOR_PEERS) -> Invitation:
    """The same invitation with only its most preferred service (unchanged when it has one).

    Services with a transport the wallet does not know rank after every known one; among
    equals the inviter's own order wins.
    """
    if len(invitation.services) <= 1:
        return invitation

    def rank(position: int) -> tuple[int, int]:
        scheme = service_scheme(invitation.services[position])
        known = preference.index(scheme) if scheme in preference else len(preference)
        return known, position

    best = min(range(len(invitation.services)), key=rank)
    return invitation.model_copy(update={"services": [invitation.services[best]]})
