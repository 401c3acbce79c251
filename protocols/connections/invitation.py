"""Out-of-band invitations (RFC 0434) as learners paste them: URL, JSON, or a short link.

Pure parsing, no I/O: `parse_invitation` returns an `Invitation`, or a `ShortLink` the
caller must fetch (see `short_link.py`). A `?c_i=` link may carry either an out-of-band
invitation or a legacy RFC 0160 one; the legacy kind becomes the out-of-band invitation it
implies (see `legacy_invitation.py`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from protocols.connections.errors import InvitationError
from protocols.connections.legacy_invitation import LEGACY_TYPE_SUFFIX, out_of_band_from_legacy

MAX_INVITATION_BYTES = 64 * 1024
OOB_TYPE_SUFFIXES = ("out-of-band/1.1/invitation", "out-of-band/1.0/invitation")
SUPPORTED_HANDSHAKES = frozenset({"didexchange/1.0", "didexchange/1.1"})
DIDCOMM_PREFIXES = ("https://didcomm.org/", "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/")


def unqualified(message_type: str) -> str:
    """`https://didcomm.org/didexchange/1.1` and the did:sov form both become `didexchange/1.1`."""
    for prefix in DIDCOMM_PREFIXES:
        if message_type.startswith(prefix):
            return message_type[len(prefix) :]
    return message_type


class InvitationService(BaseModel):
    """An inline DIDComm service: where to send, and to which keys."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = "#inline"
    type: str = "did-communication"
    recipient_keys: list[str] = Field(alias="recipientKeys", min_length=1)
    routing_keys: list[str] = Field(default_factory=list, alias="routingKeys")
    service_endpoint: str = Field(alias="serviceEndpoint", min_length=1)


class Invitation(BaseModel):
    """An RFC 0434 out-of-band invitation; unknown fields are kept and passed on to ACA-Py."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str = Field(alias="@type")
    id: str = Field(alias="@id", min_length=1)
    label: str | None = None
    handshake_protocols: list[str] = Field(default_factory=list)
    services: list[InvitationService | str] = Field(min_length=1)
    requests_attach: list[dict[str, Any]] = Field(default_factory=list, alias="requests~attach")

    @field_validator("type")
    @classmethod
    def _is_oob(cls, value: str) -> str:
        if not unqualified(value).endswith(OOB_TYPE_SUFFIXES):
            raise ValueError(f"{value!r} is not an out-of-band invitation type")
        return value

    def as_message(self) -> dict[str, Any]:
        """The invitation as ACA-Py's admin API takes it (aliases, no nulls)."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def supported_handshakes(self) -> list[str]:
        return [p for p in self.handshake_protocols if unqualified(p) in SUPPORTED_HANDSHAKES]


@dataclass(frozen=True)
class ShortLink:
    """An http(s) link with no invitation in it: the invitation is behind it."""

    url: str


def parse_invitation(text: str) -> Invitation | ShortLink:
    """Read what the learner pasted; raise InvitationError saying what is wrong."""
    text = text.strip()
    if not text:
        raise InvitationError("malformed_invitation", "the invitation is empty", "empty")
    check_size(text.encode("utf-8"))
    if text.startswith("{"):
        return invitation_from_json(_json(text, "the invitation"))
    return _from_url(text)


def check_size(data: bytes) -> None:
    if len(data) > MAX_INVITATION_BYTES:
        raise InvitationError(
            "invitation_too_large",
            f"the invitation is {len(data)} bytes; at most {MAX_INVITATION_BYTES} are accepted",
            limit_kb=MAX_INVITATION_BYTES // 1024,
        )


def _from_url(text: str) -> Invitation | ShortLink:
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    for parameter in ("oob", "c_i"):
        if parameter in query:
            encoded = query[parameter][0]
            return invitation_from_json(_json(_base64(encoded), f"the ?{parameter}= invitation"))
    if parts.scheme in ("http", "https") and parts.netloc:
        return ShortLink(text)
    raise InvitationError(
        "malformed_invitation",
        "neither a link with ?oob= or ?c_i=, a short link, nor invitation JSON",
        "not_invitation",
    )


def _base64(encoded: str) -> bytes:
    # parse_qs turned a standard-base64 '+' into a space; put it back.
    cleaned = encoded.strip().replace(" ", "+").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raise InvitationError(
            "malformed_invitation", "the invitation in the link is not valid base64", "damaged"
        ) from None


def _json(data: str | bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvitationError("malformed_invitation", f"{what} is not JSON", "damaged") from None
    if not isinstance(value, dict):
        raise InvitationError("malformed_invitation", f"{what} is not a JSON object", "damaged")
    return value


def invitation_from_json(value: dict[str, Any]) -> Invitation:
    """Validate an invitation object and check that we can answer it."""
    if unqualified(str(value.get("@type", ""))) == LEGACY_TYPE_SUFFIX:
        value = out_of_band_from_legacy(value)
    try:
        invitation = Invitation.model_validate(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'invitation'}: {e['msg']}"
            for e in error.errors()
        )
        raise InvitationError("malformed_invitation", problems, "incomplete") from None
    _check_handshakes(invitation)
    return invitation


def _check_handshakes(invitation: Invitation) -> None:
    if invitation.supported_handshakes():
        return
    offered = ", ".join(invitation.handshake_protocols) or "none (a connectionless message)"
    raise InvitationError(
        "unsupported_protocol",
        f"offers {offered}; the wallet connects with DID Exchange 1.0 or 1.1 (RFC 0023)",
    )
