"""Resolution errors, as ACA-Py's own types so its routes turn them into clear 4xx answers."""

from __future__ import annotations

from acapy_agent.anoncreds.base import AnonCredsObjectNotFound, AnonCredsResolutionError


class DidWebResolutionError(AnonCredsResolutionError):
    """A did:web AnonCreds object could not be resolved or did not verify."""


class ResourceTamperedError(DidWebResolutionError):
    """The served content does not hash to the id it was asked for."""


class IssuerMismatchError(DidWebResolutionError):
    """The object names another issuer than the DID whose host served it."""


class InsecureEndpointError(DidWebResolutionError):
    """An endpoint is not https (and http was not explicitly allowed for tests)."""


class HostUnreachableError(DidWebResolutionError):
    """The host did not answer: DNS, refused connection, TLS failure or timeout."""


class ResponseTooLargeError(DidWebResolutionError):
    """The answer was larger than the configured bound."""


class MalformedResponseError(DidWebResolutionError):
    """The answer was not the JSON shape the did:web AnonCreds method defines."""


class DidWebObjectNotFound(AnonCredsObjectNotFound):
    """The host answered 404 for the DID document or the object."""
