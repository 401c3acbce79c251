"""The learner's own invitation, so an issuer can connect to the wallet (URL and QR code).

Multi-use: the same code shown on screen can be scanned by more than one issuer. The QR
code is an inline SVG made locally; the page needs no external asset to show it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agent.admin_client import AdminClient

HANDSHAKES = ["https://didcomm.org/didexchange/1.1", "https://didcomm.org/didexchange/1.0"]


class OwnInvitation(BaseModel):
    url: str
    invitation_id: str
    invitation: dict[str, Any]
    qr_svg: str


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


async def create_own_invitation(client: AdminClient, label: str) -> OwnInvitation:
    """Ask the learner's agent for a fresh multi-use invitation it accepts by itself."""
    record = await client.create_oob_invitation(
        handshake_protocols=HANDSHAKES, alias=label, multi_use=True
    )
    invitation_id = record.invi_msg_id or str(record.invitation.get("@id", ""))
    return OwnInvitation(
        url=record.invitation_url,
        invitation_id=invitation_id,
        invitation=record.invitation,
        qr_svg=qr_svg(record.invitation_url),
    )
