"""Is anybody listening where the invitation says to send? Asked before accepting.

ACA-Py accepts an invitation to a dead endpoint without complaint and leaves the connection
in `request-sent` forever (outbound failures never reach a terminal state). A short TCP
connect first turns that hang into an error the learner sees at once.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
from typing import Any
from urllib.parse import urlsplit

from protocols.connections.errors import InvitationError
from protocols.connections.invitation import Invitation

CONNECT_TIMEOUT = 3.0
TRANSPORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def service_endpoint(invitation: Invitation) -> str | None:
    """The endpoint of the first service, when the invitation itself says it.

    Inline services say it; a did:peer:2 says it in its `S` segment; other DIDs (did:web,
    did:sov, did:peer:4) need a resolver, which ACA-Py has and we do not: None.
    """
    service = invitation.services[0]
    if not isinstance(service, str):
        return service.service_endpoint
    if service.startswith("did:peer:2"):
        return did_peer_2_endpoint(service)
    return None


def did_peer_2_endpoint(did: str) -> str | None:
    """The endpoint in a did:peer:2's service segment (`S`), when there is one."""
    for element in did.split(".")[1:]:
        if not element.startswith("S"):
            continue
        encoded = element[1:]
        try:
            decoded: Any = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        except (binascii.Error, ValueError, RecursionError):
            return None
        if isinstance(decoded, list):
            decoded = decoded[0] if decoded else None
        if not isinstance(decoded, dict):
            return None
        endpoint = decoded.get("s") or decoded.get("serviceEndpoint")
        if isinstance(endpoint, dict):
            endpoint = endpoint.get("uri")
        return str(endpoint) if endpoint else None
    return None


async def check_reachable(invitation: Invitation, timeout: float = CONNECT_TIMEOUT) -> None:  # noqa: ASYNC109
    """Raise InvitationError unless a TCP connection to the endpoint opens within timeout."""
    endpoint = service_endpoint(invitation)
    if endpoint is None:
        return
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    scheme = parts.scheme.lower()
    if scheme and scheme not in TRANSPORTS:
        raise InvitationError("unsupported_transport", f"endpoint {endpoint!r}: http(s) only")
    host = parts.hostname or ""
    port = port or TRANSPORTS.get(scheme)
    if not host or port is None:
        raise InvitationError(
            "malformed_invitation", f"endpoint {endpoint!r} is not a valid URL", "bad_address"
        )
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except UnicodeError:
        raise InvitationError(
            "malformed_invitation", f"endpoint {endpoint!r} names no valid host", "bad_address"
        ) from None
    except (OSError, TimeoutError) as error:
        raise InvitationError(
            "unreachable_endpoint", f"{endpoint}: {_reason(error)}", host=host
        ) from None
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


def _reason(error: OSError) -> str:
    if isinstance(error, TimeoutError):
        return "no answer within the time limit"
    return error.strerror or type(error).__name__
