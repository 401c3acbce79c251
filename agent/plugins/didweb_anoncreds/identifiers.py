"""did:web AnonCreds identifiers: resource ids, object DID URLs and DID document URLs.

Follows the draft did:web AnonCreds method as Credo's registry implements it, so ids made
here resolve in Credo and the other way round:
`<did>?service=anoncreds&relativeRef=/<kind>/<rid>` with `rid = base58btc(sha256(JCS(obj)))`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import base58

from .jcs import canonicalize

ANONCREDS_SERVICE = "anoncreds"
SCHEMA = "schema"
CRED_DEF = "credDef"
REV_REG_DEF = "revRegDef"
REV_STATUS = "revStatus"

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?:%3[Aa][0-9]{1,5})?"
_SEGMENT = r"[A-Za-z0-9._~\-]|%[0-9A-Fa-f]{2}"
DID_WEB = re.compile(rf"^did:web:{_HOST}(?::(?:{_SEGMENT})+)*$")
SUPPORTED_IDENTIFIERS = re.compile(rf"^did:web:{_HOST}(?::(?:{_SEGMENT})+)*(?:\?\S*)?$")
_RID = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,50}$")


class InvalidIdentifierError(ValueError):
    """The string is not a did:web DID or not a did:web AnonCreds object id."""


def resource_id(resource: Any) -> str:
    """The content address of an AnonCreds object: base58btc(sha256(JCS(resource)))."""
    return base58.b58encode(hashlib.sha256(canonicalize(resource)).digest()).decode("ascii")


def object_id(did: str, kind: str, rid: str, service: str = ANONCREDS_SERVICE) -> str:
    """The DID URL that names an object of `kind` (schema, credDef, revRegDef) by its rid."""
    require_did_web(did)
    return f"{did}?service={service}&relativeRef=/{kind}/{rid}"


def require_did_web(did: str) -> str:
    """The DID itself, or InvalidIdentifierError saying why it is not a did:web DID."""
    if not DID_WEB.match(did):
        raise InvalidIdentifierError(f"{did!r} is not a did:web DID")
    return did


@dataclass(frozen=True)
class ObjectId:
    """A parsed did:web AnonCreds object id."""

    did: str
    service: str
    relative_ref: str

    @property
    def rid(self) -> str:
        """The last path segment of the relative reference: the object's content hash."""
        return self.relative_ref.rsplit("/", 1)[-1]

    @property
    def kind(self) -> str:
        """The path segment before the rid (schema, credDef, revRegDef), or empty."""
        parts = self.relative_ref.strip("/").split("/")
        return parts[-2] if len(parts) > 1 else ""

    def __str__(self) -> str:
        return f"{self.did}?service={self.service}&relativeRef={self.relative_ref}"


def parse_object_id(identifier: str) -> ObjectId:
    """Split an object id into DID, service and relative reference, checking each."""
    did, sep, query = identifier.partition("?")
    require_did_web(did)
    if not sep:
        raise InvalidIdentifierError(f"{identifier!r} has no ?service=&relativeRef= query")
    params = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    services = params.get("service", [])
    refs = params.get("relativeRef", [])
    if len(services) != 1 or not services[0]:
        raise InvalidIdentifierError(f"{identifier!r} needs exactly one service parameter")
    if len(refs) != 1 or not refs[0].startswith("/"):
        raise InvalidIdentifierError(f"{identifier!r} needs one relativeRef starting with /")
    ref = refs[0]
    if ".." in ref.split("/") or "//" in ref:
        raise InvalidIdentifierError(f"{identifier!r} has an unsafe relativeRef")
    parsed = ObjectId(did=did, service=services[0], relative_ref=ref)
    if not _RID.match(parsed.rid):
        raise InvalidIdentifierError(f"{identifier!r} does not end in a base58 resource id")
    return parsed


def did_document_path(did: str) -> str:
    """The URL path of a did:web DID document: /.well-known/did.json or /<path>/did.json."""
    segments = require_did_web(did).split(":")[3:]
    if not segments:
        return "/.well-known/did.json"
    return "/" + "/".join(unquote(segment) for segment in segments) + "/did.json"


def did_host(did: str) -> str:
    """The host (with port) a did:web DID lives on, with %3A decoded to ':'."""
    return unquote(require_did_web(did).split(":")[2])


def did_document_url(did: str, scheme: str = "https") -> str:
    """Where the DID document is fetched from; https unless a test explicitly relaxes it."""
    return f"{scheme}://{did_host(did)}{did_document_path(did)}"


def did_web_for(host: str, port: int | None = None, *path: str) -> str:
    """The did:web DID served at https://host[:port]/path…/did.json (port encoded as %3A)."""
    method_id = host if port is None else f"{host}%3A{port}"
    segments = [quote(segment, safe="") for segment in path]
    return ":".join(["did", "web", method_id, *segments])


def url_scheme(url: str) -> str:
    """The lowercase scheme of a URL, empty when it has none."""
    return urlsplit(url).scheme.lower()
