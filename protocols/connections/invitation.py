"""Out-of-band invitations (RFC 0434) as learners paste them: URL, JSON, or a short link.

Pure parsing, no I/O: `parse_invitation` returns an `Invitation`, or a `ShortLink` the
caller must fetch (see `short_link.py`). A `?c_i=` link may carry either an out-of-band
invitation or a legacy RFC 0160 one; the legacy kind becomes the out-of-band invitation it
implies (see `legacy_invitation.py`). Everything ACA-Py will read is checked here (types,
sizes, keys, endpoints, DIDs: see `addresses.py`), because ACA-Py answers much of what it
cannot use with an HTTP 500; fields ACA-Py does not read are dropped, not passed on.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import ValidationError

from protocols.connections.addresses import text_problem
from protocols.connections.errors import InvitationError
from protocols.connections.invitation_checks import check_invitation
from protocols.connections.invitation_model import (
    Invitation,
    InvitationService,
    unqualified,
)
from protocols.connections.legacy_invitation import LEGACY_TYPE_SUFFIX, out_of_band_from_legacy

__all__ = ["Invitation", "InvitationService", "ShortLink", "parse_invitation", "unqualified"]
MAX_INVITATION_BYTES = 64 * 1024
INVITATION_PARAMETERS = ("oob", "c_i")


@dataclass(frozen=True)
class ShortLink:
    """An http(s) link with no invitation in it: the invitation is behind it."""

    url: str


def parse_invitation(text: str, *, ledger: bool = False) -> Invitation | ShortLink:
    """Read what the learner pasted; raise InvitationError saying what is wrong.

    `ledger`: the learner's agent can resolve did:sov DIDs (an Indy ledger is configured).
    """
    text = text.strip()
    if not text:
        raise InvitationError("malformed_invitation", "the invitation is empty", "empty")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvitationError(
            "malformed_invitation", "the text has a broken character (a lone surrogate)", "damaged"
        ) from None
    check_size(data)
    if text.startswith("{"):
        return invitation_from_json(_json(text, "the invitation"), ledger=ledger)
    return _from_url(text, ledger)


def check_size(data: bytes) -> None:
    if len(data) > MAX_INVITATION_BYTES:
        raise InvitationError(
            "invitation_too_large",
            f"the invitation is {len(data)} bytes; at most {MAX_INVITATION_BYTES} are accepted",
            limit_kb=MAX_INVITATION_BYTES // 1024,
        )


def _from_url(text: str, ledger: bool) -> Invitation | ShortLink:
    """An invitation in `?oob=`/`?c_i=`, else a short link; a link that carries an invitation
    parameter is never fetched, however broken the parameter."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError as error:
        raise InvitationError(
            "malformed_invitation", f"the link is not a valid URL ({error})", "broken_link"
        ) from None
    query = parse_qs(parts.query, keep_blank_values=True)
    for parameter in INVITATION_PARAMETERS:
        if parameter in query:
            encoded = query[parameter][0]
            what = f"the ?{parameter}= invitation"
            if not encoded.strip():
                raise InvitationError("malformed_invitation", f"{what} is empty", "damaged")
            return invitation_from_json(_json(_base64(encoded), what), ledger=ledger)
    rest = f"{parts.query}#{parts.fragment}"
    if any(f"{parameter}=" in rest for parameter in INVITATION_PARAMETERS):
        raise InvitationError(
            "malformed_invitation", "the link's invitation parameter cannot be read", "damaged"
        )
    if parts.scheme in ("http", "https") and parts.hostname and not text_problem(text):
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


def invitation_from_json(value: dict[str, Any], *, ledger: bool = False) -> Invitation:
    """Validate an invitation object and check that we can answer it."""
    if unqualified(str(value.get("@type", ""))) == LEGACY_TYPE_SUFFIX:
        value = out_of_band_from_legacy(value)
    try:
        invitation = Invitation.model_validate(value)
    except ValidationError as error:
        raise _invalid(error) from None
    return check_invitation(invitation, ledger=ledger)


def _invalid(error: ValidationError) -> InvitationError:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'invitation'}: {e['msg']}"
        for e in error.errors()[:5]
    )
    missing = any(e["type"] == "missing" for e in error.errors())
    return InvitationError("malformed_invitation", problems, "incomplete" if missing else "invalid")
