"""Legacy RFC 0160 connection invitations (`?c_i=`), read as the out-of-band invitations they imply.

ACA-Py 1.7 no longer speaks RFC 0160's connection protocol, but an RFC 0160 invitation is
only an address: the inviter's keys and endpoint, or its public DID. Most inviters that
still hand out `?c_i=` links (older ACA-Py, Credo) also answer DID Exchange, so the wallet
carries the same `@id`, keys and endpoint into an RFC 0434 invitation that offers DID
Exchange. An inviter that answers only RFC 0160 ignores the DID Exchange request: the
connection then stays in state `request`, and only an out-of-band invitation will help.

Pure conversion, no I/O.
"""

from __future__ import annotations

import binascii
from typing import Any

import base58

from protocols.connections.errors import InvitationError

LEGACY_TYPE_SUFFIX = "connections/1.0/invitation"
OOB_INVITATION_TYPE = "https://didcomm.org/out-of-band/1.1/invitation"
DID_EXCHANGE = ["https://didcomm.org/didexchange/1.1", "https://didcomm.org/didexchange/1.0"]
ED25519_MULTICODEC = b"\xed\x01"
ED25519_KEY_BYTES = 32


def out_of_band_from_legacy(legacy: dict[str, Any]) -> dict[str, Any]:
    """The RFC 0434 invitation equivalent to an RFC 0160 one, offering DID Exchange."""
    invitation_id = legacy.get("@id")
    if not isinstance(invitation_id, str) or not invitation_id:
        raise _incomplete("it has no @id")
    converted: dict[str, Any] = {
        "@type": OOB_INVITATION_TYPE,
        "@id": invitation_id,
        "handshake_protocols": DID_EXCHANGE,
        "services": [_service(legacy)],
    }
    for field in ("label", "imageUrl"):
        if isinstance(legacy.get(field), str):
            converted[field] = legacy[field]
    return converted


def _service(legacy: dict[str, Any]) -> dict[str, Any] | str:
    """The inviter's public DID, or an inline service made of its keys and endpoint."""
    public_did = legacy.get("did")
    if isinstance(public_did, str) and public_did:
        return public_did if public_did.startswith("did:") else f"did:sov:{public_did}"
    endpoint = legacy.get("serviceEndpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise _incomplete("it has neither a public DID nor a serviceEndpoint")
    recipient_keys = legacy.get("recipientKeys")
    if not isinstance(recipient_keys, list) or not recipient_keys:
        raise _incomplete("it has no recipientKeys")
    routing_keys = legacy.get("routingKeys") or []
    if not isinstance(routing_keys, list):
        raise _incomplete("its routingKeys is not a list")
    return {
        "id": "#inline",
        "type": "did-communication",
        "recipientKeys": [did_key_of(key) for key in recipient_keys],
        "routingKeys": [did_key_of(key) for key in routing_keys],
        "serviceEndpoint": endpoint,
    }


def did_key_of(key: object) -> str:
    """An RFC 0160 key (a raw base58 Ed25519 verkey, or already a did:key) as a did:key."""
    if isinstance(key, str) and key.startswith("did:key:"):
        return key
    if not isinstance(key, str):
        raise _incomplete(f"the key {key!r} is not a string")
    try:
        raw = base58.b58decode(key)
    except (ValueError, binascii.Error):
        raise _incomplete(f"the key {key!r} is not base58") from None
    if len(raw) != ED25519_KEY_BYTES:
        raise _incomplete(f"the key {key!r} is not a 32-byte Ed25519 key")
    fingerprint = "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()
    return f"did:key:{fingerprint}#{fingerprint}"


def _incomplete(why: str) -> InvitationError:
    return InvitationError("malformed_invitation", f"RFC 0160 invitation: {why}", "incomplete")
