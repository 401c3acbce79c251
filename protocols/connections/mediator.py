"""The learner's mediator invitation as the learner's ACA-Py takes it.

ACA-Py's `--mediator-invitation` reads only an `?oob=` link and refuses an invitation with
more than one service; mediators (Credo's among them) list an `http` and a `ws` one. In
`pickup` delivery the wallet needs the WebSocket service (it receives everything on that
socket), in `direct` delivery the plain one.
"""

from __future__ import annotations

import base64
import json

from config.settings import SettingsError, WalletSettings
from protocols.connections.errors import InvitationError
from protocols.connections.invitation import Invitation, ShortLink, parse_invitation
from protocols.connections.services import FOR_PEERS, FOR_PICKUP, with_one_service

LINK_BASE = "didcomm://invite"


def mediator_invitation(text: str) -> Invitation:
    """The mediator's invitation; InvitationError when it is none or only a short link."""
    parsed = parse_invitation(text)
    if isinstance(parsed, ShortLink):
        raise InvitationError("malformed_invitation", "a short link, not an invitation", "short")
    return parsed


def mediator_link_for_agent(text: str, delivery: str) -> str:
    """One service, chosen for the delivery mode, as an `?oob=` link."""
    invitation = mediator_invitation(text)
    chosen = with_one_service(invitation, FOR_PICKUP if delivery == "pickup" else FOR_PEERS)
    payload = json.dumps(chosen.as_message(), separators=(",", ":")).encode()
    return f"{LINK_BASE}?oob={base64.urlsafe_b64encode(payload).decode().rstrip('=')}"


def settings_for_agent(settings: WalletSettings) -> WalletSettings:
    """The settings the learner's ACA-Py starts with: the mediator's link reduced for it."""
    if not settings.mediator_invitation:
        return settings
    try:
        link = mediator_link_for_agent(settings.mediator_invitation, settings.delivery_mode)
    except InvitationError as error:
        raise SettingsError(
            f"mediator_invitation: not an invitation the wallet can use ({error.detail}); "
            "paste the mediator's whole invitation link, or remove the setting"
        ) from None
    return settings.model_copy(update={"mediator_invitation": link})
