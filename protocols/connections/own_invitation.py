"""The learner's own invitation, so an issuer can connect to the wallet (URL and QR code).

Made only when the learner asks, and reused until someone answers it or it expires
(`invitation_lifetime`). Single-use: each peer gets a fresh one, so two peers never share
the wallet's keys of one invitation. Nothing is kept in the controller: the current
invitation is read back from ACA-Py's records (see `own_invitation_expiry`). The QR code
is an inline SVG made locally; the page needs no external asset to show it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import weakref
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from pydantic import BaseModel

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import ConnectionRecord
from protocols.connections.own_invitation_expiry import (
    WAITING_STATE,
    made_at,
    tidy_own_invitations,
)

HANDSHAKES = ["https://didcomm.org/didexchange/1.1", "https://didcomm.org/didexchange/1.0"]
# One maker at a time per wallet: a double click must not make two invitations.
_MAKING: weakref.WeakKeyDictionary[AdminClient, asyncio.Lock] = weakref.WeakKeyDictionary()


class OwnInvitation(BaseModel):
    url: str
    invitation_id: str
    invitation: dict[str, Any]
    qr_svg: str
    connection_id: str
    created_at: datetime
    expires_at: datetime


def qr_svg(data: str) -> str:
    """An SVG QR code (paths only, no scripts, no external references).

    `qrcode` is imported here, not at start-up: it loads Pillow when installed (~8 MB of
    resident memory) and most runs of the wallet never show the learner's own code.
    """
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_L,
    )
    return str(image.to_string(encoding="unicode"))


def invitation_url(invitation: dict[str, Any]) -> str:
    """The `?oob=` link, built as ACA-Py builds it: its service endpoint plus the JSON."""
    encoded = base64.urlsafe_b64encode(json.dumps(invitation).encode()).decode().rstrip("=")
    services = invitation.get("services") or []
    endpoint = next(
        (s["serviceEndpoint"] for s in services if isinstance(s, dict) and "serviceEndpoint" in s),
        "didcomm://invite",
    )
    return urljoin(str(endpoint), f"?oob={encoded}")


async def current_own_invitation(client: AdminClient, lifetime: float) -> OwnInvitation | None:
    """The newest invitation the learner may still hand out; expired ones are deleted.

    Never makes one. Two to three admin calls: list ours, read the invitation's body.
    """
    for record in (await tidy_own_invitations(client, lifetime)).usable:
        own = await _shown(client, record, lifetime)
        if own is not None:
            return own
    return None


async def own_invitation(client: AdminClient, lifetime: float) -> tuple[OwnInvitation, bool]:
    """The current invitation, or a new single-use one; True when it is new."""
    lock = _MAKING.setdefault(client, asyncio.Lock())
    async with lock:
        current = await current_own_invitation(client, lifetime)
        if current is not None:
            return current, False
        made = await client.create_oob_invitation(handshake_protocols=HANDSHAKES)
        invitation_id = made.invi_msg_id or str(made.invitation.get("@id", ""))
        record = await _waiting_record(client, invitation_id)
        return _own(record, made.invitation, made.invitation_url, lifetime), True


async def _shown(
    client: AdminClient, record: ConnectionRecord, lifetime: float
) -> OwnInvitation | None:
    """The invitation behind a waiting record; None when its out-of-band record is gone."""
    if not record.invitation_msg_id:
        return None
    found = await client.list_oob_records(invi_msg_id=record.invitation_msg_id, role="sender")
    invitation = next((oob.invitation for oob in found if oob.invitation), None)
    if invitation is None:
        return None
    return _own(record, invitation, invitation_url(invitation), lifetime)


async def _waiting_record(client: AdminClient, invitation_id: str) -> ConnectionRecord:
    """The connection record ACA-Py made with the invitation: its time starts the clock."""
    records = await client.list_connections(invitation_msg_id=invitation_id, state=WAITING_STATE)
    if not records:  # answered already, between two calls: the clock hardly matters
        records = await client.list_connections(invitation_msg_id=invitation_id)
    if not records:
        raise AdminApiError(f"ACA-Py has no connection record for invitation {invitation_id}")
    return records[0]


def _own(
    record: ConnectionRecord, invitation: dict[str, Any], url: str, lifetime: float
) -> OwnInvitation:
    made = made_at(record) or datetime.now(UTC)  # ACA-Py dates every record
    return OwnInvitation(
        url=url,
        invitation_id=record.invitation_msg_id or str(invitation.get("@id", "")),
        invitation=invitation,
        qr_svg=qr_svg(url),
        connection_id=record.connection_id,
        created_at=made,
        expires_at=made + timedelta(seconds=lifetime),
    )
