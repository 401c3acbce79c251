"""Resolve and verify did:web AnonCreds objects, independent of ACA-Py's profile machinery.

An object is trusted only if its content hashes to the id it was asked for and it names the
DID whose host served it; anything else is an error, never a silent fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cache import TtlCache
from .errors import (
    DidWebResolutionError,
    IssuerMismatchError,
    MalformedResponseError,
    ResourceTamperedError,
)
from .fetch import JsonFetcher
from .identifiers import InvalidIdentifierError, did_document_url, parse_object_id, resource_id
from .jcs import CanonicalizationError
from .settings import DidWebSettings

# The draft method names the key revocationStatusListEndpoint; Credo reads statusListEndpoint.
STATUS_LIST_ENDPOINT_KEYS = ("revocationStatusListEndpoint", "statusListEndpoint")


@dataclass(frozen=True)
class ResolvedObject:
    """A verified resource with the metadata its host attached."""

    object_id: str
    did: str
    resource: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)


class DidWebObjectResolver:
    """Fetches DID documents and AnonCreds objects over https, verifies and caches them."""

    def __init__(self, settings: DidWebSettings, fetcher: JsonFetcher | None = None) -> None:
        self._fetcher = fetcher or JsonFetcher(settings)
        self._documents: TtlCache[dict[str, Any]] = TtlCache(settings.cache_ttl)
        self._objects: TtlCache[ResolvedObject] = TtlCache(settings.cache_ttl)

    @property
    def fetcher(self) -> JsonFetcher:
        """The bounded HTTP client, shared with the registrar's own look-ups."""
        return self._fetcher

    async def did_document(self, did: str) -> dict[str, Any]:
        """The DID document of a did:web DID; did:web is always fetched over https."""
        cached = self._documents.get(did)
        if cached is not None:
            return cached
        try:
            url = did_document_url(did)
        except InvalidIdentifierError as error:
            raise DidWebResolutionError(str(error)) from error
        document = await self._fetcher.get_json(url, f"DID document of {did}")
        if document.get("id") != did:
            raise MalformedResponseError(
                f"DID document at {url} has id {document.get('id')!r}, expected {did}"
            )
        self._documents.put(did, document)
        return document

    async def service_endpoint(self, did: str, service: str) -> str:
        """The `#service` endpoint URL in the DID's document, checked for https."""
        document = await self.did_document(did)
        for entry in document.get("service") or []:
            if isinstance(entry, dict) and entry.get("id") in (f"{did}#{service}", f"#{service}"):
                endpoint = _endpoint_url(entry.get("serviceEndpoint"))
                if endpoint:
                    self._fetcher.check_scheme(endpoint, f"#{service} endpoint of {did}")
                    return endpoint
                raise MalformedResponseError(f"#{service} service of {did} has no endpoint URL")
        raise DidWebResolutionError(f"DID document of {did} has no #{service} service")

    async def resolve(self, identifier: str) -> ResolvedObject:
        """A verified schema, cred def or rev reg def for its did:web object id."""
        cached = self._objects.get(identifier)
        if cached is not None:
            return cached
        try:
            parsed = parse_object_id(identifier)
        except InvalidIdentifierError as error:
            raise DidWebResolutionError(str(error)) from error
        endpoint = await self.service_endpoint(parsed.did, parsed.service)
        url = endpoint.rstrip("/") + parsed.relative_ref
        body = await self._fetcher.get_json(url, f"AnonCreds object {identifier}")
        resource, metadata = _unwrap(body, url)
        actual = _hash(resource, url)
        if actual != parsed.rid:
            raise ResourceTamperedError(
                f"{url} served content hashing to {actual}, not {parsed.rid}: the object was "
                "changed after it was published, or the host serves another object"
            )
        _require_issuer(resource, parsed.did, identifier)
        resolved = ResolvedObject(identifier, parsed.did, resource, metadata)
        self._objects.put(identifier, resolved)
        return resolved

    async def status_list_endpoint(self, rev_reg_def_id: str) -> tuple[ResolvedObject, str]:
        """The registry definition and the base URL of its status lists."""
        rev_reg = await self.resolve(rev_reg_def_id)
        for key in STATUS_LIST_ENDPOINT_KEYS:
            endpoint = rev_reg.metadata.get(key)
            if isinstance(endpoint, str) and endpoint:
                self._fetcher.check_scheme(endpoint, f"status list endpoint of {rev_reg_def_id}")
                return rev_reg, endpoint.rstrip("/")
        raise DidWebResolutionError(
            f"revocation registry {rev_reg_def_id} has no revocationStatusListEndpoint metadata"
        )

    async def status_list(self, rev_reg_def_id: str, timestamp: int) -> ResolvedObject:
        """The status list in force at `timestamp` (the newest one published at or before it)."""
        key = f"{rev_reg_def_id}@{timestamp}"
        cached = self._objects.get(key)
        if cached is not None:
            return cached
        rev_reg, endpoint = await self.status_list_endpoint(rev_reg_def_id)
        url = f"{endpoint}/{timestamp}"
        body = await self._fetcher.get_json(url, f"revocation status list of {rev_reg_def_id}")
        resource, metadata = _unwrap(body, url)
        _require_issuer(resource, rev_reg.did, url)
        if resource.get("revRegDefId") != rev_reg_def_id:
            raise MalformedResponseError(
                f"{url} served the status list of {resource.get('revRegDefId')!r}, "
                f"not of {rev_reg_def_id}"
            )
        listed = resource.get("timestamp")
        if not isinstance(listed, int) or isinstance(listed, bool) or listed > timestamp:
            raise MalformedResponseError(
                f"{url} served a status list with timestamp {listed!r}, "
                f"which is not a time at or before {timestamp}"
            )
        resolved = ResolvedObject(url, rev_reg.did, resource, metadata)
        if listed == timestamp:  # Exact versions never change; "as of now" answers may.
            self._objects.put(key, resolved)
        return resolved

    def forget(self, identifier: str) -> None:
        """Drop a cached object, e.g. after its issuer published a new version."""
        self._objects.drop(identifier)


def _endpoint_url(endpoint: Any) -> str | None:
    if isinstance(endpoint, str):
        return endpoint
    if isinstance(endpoint, list) and endpoint and isinstance(endpoint[0], str):
        return endpoint[0]
    if isinstance(endpoint, dict) and isinstance(endpoint.get("uri"), str):
        return endpoint["uri"]
    return None


def _unwrap(body: dict[str, Any], url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    resource = body.get("resource")
    metadata = body.get("resourceMetadata") or {}
    if not isinstance(resource, dict) or not isinstance(metadata, dict):
        raise MalformedResponseError(
            f"{url} did not answer {{'resource': {{...}}, 'resourceMetadata': {{...}}}}"
        )
    return resource, metadata


def _hash(resource: dict[str, Any], url: str) -> str:
    try:
        return resource_id(resource)
    except CanonicalizationError as error:
        message = f"{url} served a resource with no JCS form: {error}"
        raise MalformedResponseError(message) from error


def _require_issuer(resource: dict[str, Any], did: str, where: str) -> None:
    issuer = resource.get("issuerId")
    if issuer != did:
        raise IssuerMismatchError(
            f"{where} names issuer {issuer!r}, but it was served for {did}: "
            "an issuer can only publish objects under its own DID"
        )
