"""Where an invitation says to connect, checked the way ACA-Py will read it.

ACA-Py 1.7 answers a key that is no Ed25519 did:key, an endpoint it cannot parse or a DID
it cannot resolve with an HTTP 500, sometimes after it saved a connection record. So the
wallet checks every address itself and refuses with a precise reason before ACA-Py sees
it. Pure functions, no I/O: a did:web is checked for its form only (ACA-Py resolves it).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import unicodedata
from typing import Any
from urllib.parse import unquote, urlsplit

import base58

from protocols.connections.errors import InvitationError

TRANSPORTS = ("http", "https", "ws", "wss")
MAX_URL = 2048
MAX_DID = 8192
ED25519 = b"\xed\x01"
X25519 = b"\xec\x01"
KEY_BYTES = 32
JSON_MULTICODEC = b"\x80\x04"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DID_SYNTAX = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%=-]+$")
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
PEER_4 = re.compile(rf"^did:peer:4z[{B58}]+:z[{B58}]+$")
WEB_PATH = re.compile(r"^[A-Za-z0-9._~%-]+$")
INDY_DID = re.compile(rf"^(did:sov:)?[{B58}]{{21,22}}$")
# Characters that change how text is shown without being visible (bidi overrides).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(value: str) -> str | None:
    """Why `value` is no plain text (control characters, broken or invisible ones), or None."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            return "it contains a broken character (a lone surrogate)"
        if category == "Cc" or char in BIDI_CONTROLS:
            return f"it contains the control character U+{ord(char):04X}"
    return None


def _bad(where: str, why: str, reason: str) -> InvitationError:
    return InvitationError("malformed_invitation", f"{where}: {why}", reason)


def check_endpoint(value: str, where: str) -> None:
    """A DIDComm endpoint the wallet can send to: http(s) or ws(s), a host, a valid port."""
    problem = _url_problem(value)
    if problem is None and urlsplit(value).scheme.lower() not in TRANSPORTS:
        raise InvitationError(
            "unsupported_transport", f"{where} {value!r}: http, https, ws or wss only"
        )
    if problem:
        raise _bad(where, f"{value[:200]!r} {problem}", "bad_address")


def known_transport(value: str) -> bool:
    """True when the endpoint's scheme is one the wallet sends with (form not checked)."""
    try:
        return urlsplit(value).scheme.lower() in TRANSPORTS
    except ValueError:
        return True  # a broken URL is checked (and refused) as one the wallet would use


def _url_problem(value: str) -> str | None:
    if len(value) > MAX_URL:
        return f"is longer than {MAX_URL} characters"
    if text_problem(value) or any(char.isspace() for char in value):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if not parts.scheme:
        return "has no scheme (such as https://)"
    if "@" in parts.netloc:
        return "carries a user name or password"
    if not parts.hostname:
        return "names no host"
    if port == 0:
        return "names port 0"
    return _host_problem(parts.hostname)


def _host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"names a host that is not a valid name ({host[:100]!r})"
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or not all(HOST_LABEL.match(label) for label in labels):
        return f"names a host that is not a valid name ({host[:100]!r})"
    return None


def ed25519_did_key(value: str, where: str) -> str:
    """An Ed25519 key as ACA-Py takes it: a did:key (or its reference), or a raw base58 key."""
    if value.startswith("did:key:"):
        did, _, fragment = value.partition("#")
        fingerprint = did[len("did:key:") :]
        if fragment and fragment != fingerprint:
            raise _bad(
                where, f"{value[:120]!r} refers to another key ({fragment[:60]!r})", "bad_key"
            )
        _multibase_key(fingerprint, ED25519, where)
        return value
    try:
        raw = base58.b58decode(value)
    except ValueError:
        raise _bad(
            where, f"{value[:120]!r} is neither a did:key nor a base58 key", "bad_key"
        ) from None
    if len(raw) != KEY_BYTES:
        raise _bad(where, f"{value[:120]!r} is not a 32-byte Ed25519 key", "bad_key")
    fingerprint = "z" + base58.b58encode(ED25519 + raw).decode()
    return f"did:key:{fingerprint}#{fingerprint}"


def _multibase_key(fingerprint: str, codec: bytes, where: str) -> None:
    if not fingerprint.startswith("z") or not fingerprint[1:]:
        raise _bad(where, f"{fingerprint[:120]!r} is not a base58 multibase key", "bad_key")
    try:
        raw = base58.b58decode(fingerprint[1:])
    except ValueError:
        raise _bad(where, f"{fingerprint[:120]!r} is not base58", "bad_key") from None
    if not raw.startswith(codec) or len(raw) != len(codec) + KEY_BYTES:
        kind = "an Ed25519" if codec == ED25519 else "an X25519"
        raise _bad(where, f"{fingerprint[:120]!r} is not {kind} key", "bad_key")


def check_did_service(did: str, where: str, *, ledger: bool = False) -> None:
    """A DID the learner's agent can resolve to a DIDComm service, in a form it can read."""
    if len(did) > MAX_DID:
        raise _bad(where, f"the DID is longer than {MAX_DID} characters", "invalid")
    if not DID_SYNTAX.match(did):
        if INDY_DID.match(did):
            return _indy(did, where, ledger)
        raise _bad(where, f"{did[:120]!r} is not a DID", "invalid")
    if did.startswith("did:peer:2"):
        return _peer_2(did, where)
    if did.startswith("did:peer:4"):
        return _peer_4(did, where)
    if did.startswith("did:web:"):
        return _web(did, where)
    if did.startswith("did:sov:"):
        return _indy(did, where, ledger)
    method = did.split(":")[1]
    raise InvitationError(
        "unsupported_protocol",
        f"{where}: the wallet cannot look up did:{method} addresses "
        "(it reads did:peer:2, did:peer:4, did:web, and did:sov with a ledger)",
        "did_method",
    )


def _indy(did: str, where: str, ledger: bool) -> None:
    if not INDY_DID.match(did):
        raise _bad(where, f"{did[:120]!r} is not a did:sov DID", "invalid")
    if not ledger:
        raise InvitationError(
            "unsupported_protocol",
            f"{where}: {did} is on an Indy ledger and the wallet has no ledger configured",
            "did_method",
        )


def _peer_2(did: str, where: str) -> None:
    elements = did[len("did:peer:2") :].split(".")
    if elements[0] != "" or len(elements) < 2:
        raise _bad(where, f"{did[:120]!r} is not a did:peer:2", "invalid")
    keys = endpoints = 0
    for element in elements[1:]:
        purpose, value = element[:1], element[1:]
        if purpose == "S":
            endpoints += _peer_2_service(value, where)
        elif purpose in ("V", "A", "I", "D"):
            _multibase_key(value, ED25519, where)
            keys += purpose == "V"
        elif purpose == "E":
            _multibase_key(value, X25519, where)
        else:
            raise _bad(
                where, f"did:peer:2 element {element[:60]!r} has no known purpose", "invalid"
            )
    if not keys or not endpoints:
        raise _bad(where, "the did:peer:2 lacks a signing key or a service endpoint", "incomplete")


def _peer_2_service(encoded: str, where: str) -> int:
    try:
        decoded: Any = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise _bad(where, "a did:peer:2 service is not base64 JSON", "invalid") from None
    services = decoded if isinstance(decoded, list) else [decoded]
    for service in services:
        if not isinstance(service, dict):
            raise _bad(where, "a did:peer:2 service is not a JSON object", "invalid")
        _service_endpoint(service.get("s", service.get("serviceEndpoint")), where)
    return len(services)


def _service_endpoint(endpoint: object, where: str) -> None:
    if isinstance(endpoint, dict):
        endpoint = endpoint.get("uri")
    if not isinstance(endpoint, str):
        raise _bad(where, "a DID service names no endpoint", "incomplete")
    check_endpoint(endpoint, f"{where} endpoint")


def _peer_4(did: str, where: str) -> None:
    if not PEER_4.match(did):
        raise _bad(where, "a did:peer:4 must be in its long form (hash:document)", "invalid")
    encoded = did.rsplit(":", 1)[1][1:]
    try:
        raw = base58.b58decode(encoded)
        document = (
            json.loads(raw[len(JSON_MULTICODEC) :]) if raw.startswith(JSON_MULTICODEC) else None
        )
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        raise _bad(where, "the did:peer:4 document is not encoded JSON", "invalid")
    services = document.get("service")
    if not isinstance(services, list) or not services:
        raise _bad(where, "the did:peer:4 document has no service", "incomplete")
    for service in services:
        if not isinstance(service, dict):
            raise _bad(where, "a did:peer:4 service is not a JSON object", "invalid")
        _service_endpoint(service.get("serviceEndpoint"), where)


def _web(did: str, where: str) -> None:
    host, *path = did[len("did:web:") :].split(":")
    url = "https://" + unquote(host)
    problem = _url_problem(url)
    if problem is None and urlsplit(url).path:
        problem = "has a path in its host part"
    if problem or not all(WEB_PATH.match(segment) for segment in path):
        raise _bad(
            where, f"{did[:120]!r} is not a valid did:web ({problem or 'bad path'})", "invalid"
        )
