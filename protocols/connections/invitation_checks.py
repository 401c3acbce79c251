"""Can the wallet answer this invitation? Checked in full before ACA-Py sees it.

The model (`invitation_model.py`) has the types right; here are the meanings: a handshake
the wallet speaks, no attached messages, services whose keys, endpoints and DIDs ACA-Py
can use (`addresses.py`). Each refusal names exactly what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from protocols.connections.addresses import (
    check_did_service,
    check_endpoint,
    ed25519_did_key,
    known_transport,
    text_problem,
)
from protocols.connections.errors import InvitationError
from protocols.connections.invitation_model import Invitation, InvitationService

# ACA-Py checks imageUrl with marshmallow's URL rule (a dotted host or an IPv4 address).
IMAGE_URL = re.compile(
    r"^https?://(?:(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:[A-Z]{2,6}\.?|[A-Z0-9-]{2,}\.?)"
    r"|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?(?:/?|[/?]\S+)\Z",
    re.IGNORECASE | re.ASCII,
)


def check_invitation(invitation: Invitation, *, ledger: bool = False) -> Invitation:
    """The invitation as the wallet will hand it on, or InvitationError saying why not.

    Keys come back as did:keys, services with transports the wallet does not know are
    left out when another one is usable, and an image URL ACA-Py would refuse is dropped
    (it only decorates the invitation).
    """
    _check_handshakes(invitation)
    _check_attachments(invitation.requests_attach)
    services = _usable_services(invitation.services, ledger)
    image = invitation.image_url
    if image is not None and (text_problem(image) or not IMAGE_URL.match(image)):
        image = None
    return invitation.model_copy(update={"services": services, "image_url": image})


def _check_handshakes(invitation: Invitation) -> None:
    if invitation.supported_handshakes():
        return
    offered = ", ".join(invitation.handshake_protocols) or "none (a connectionless message)"
    raise InvitationError(
        "unsupported_protocol",
        f"offers {offered[:300]}; the wallet connects with DID Exchange 1.0 or 1.1 (RFC 0023)",
    )


def _check_attachments(attachments: list[Any]) -> None:
    """Attached messages are refused: ACA-Py 1.7 waits up to 7 s for the connection before
    it reads them and answers 500, with a connection record left behind, when the inviter
    is slow. A damaged attachment is said to be damaged first."""
    for position, attachment in enumerate(attachments):
        where = f"requests~attach.{position}"
        data = attachment.get("data") if isinstance(attachment, dict) else None
        if not isinstance(data, dict) or not ({"json", "base64", "links"} & set(data)):
            raise _damaged(where, "is not an attachment with data (json, base64 or links)")
        for name in ("@id", "mime-type"):
            if name in attachment and not isinstance(attachment[name], str):
                raise _damaged(where, f"its {name} is not text")
        encoded = data.get("base64")
        if encoded is not None and not _is_base64(encoded):
            raise _damaged(where, "its base64 data is not base64")
        links = data.get("links")
        if links is not None and not (
            isinstance(links, list) and all(isinstance(link, str) for link in links)
        ):
            raise _damaged(where, "its links are not a list of addresses")
    if attachments:
        raise InvitationError(
            "unsupported_protocol",
            f"the invitation carries {len(attachments)} attached message(s); the wallet "
            "accepts invitations to connect only",
            "attachments",
        )


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        standard = value.replace("-", "+").replace("_", "/").rstrip("=")
        base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _damaged(where: str, why: str) -> InvitationError:
    return InvitationError("malformed_invitation", f"{where} {why}", "invalid")


def _usable_services(
    services: list[InvitationService | str], ledger: bool
) -> list[InvitationService | str]:
    usable: list[InvitationService | str] = []
    unknown: list[InvitationService] = []
    for position, service in enumerate(services):
        where = f"services.{position}"
        if isinstance(service, str):
            check_did_service(service, where, ledger=ledger)
            usable.append(service)
        elif known_transport(service.service_endpoint):
            usable.append(_checked_inline(service, where))
        else:
            unknown.append(service)
    if not usable:
        endpoint = unknown[0].service_endpoint
        check_endpoint(endpoint, "services.0 serviceEndpoint")  # the precise refusal
        raise InvitationError("unsupported_transport", f"endpoint {endpoint!r}")
    return usable


def _checked_inline(service: InvitationService, where: str) -> InvitationService:
    check_endpoint(service.service_endpoint, f"{where} serviceEndpoint")
    return service.model_copy(
        update={
            "recipient_keys": [
                ed25519_did_key(key, f"{where} recipientKeys.{n}")
                for n, key in enumerate(service.recipient_keys)
            ],
            "routing_keys": [
                ed25519_did_key(key, f"{where} routingKeys.{n}")
                for n, key in enumerate(service.routing_keys)
            ],
        }
    )
