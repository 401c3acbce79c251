"""Bounded JSON GETs: an issuer's web host is untrusted input, so cap size, time and scheme."""

from __future__ import annotations

import json
import ssl
from typing import Any

import aiohttp

from .errors import (
    DidWebObjectNotFound,
    DidWebResolutionError,
    HostUnreachableError,
    InsecureEndpointError,
    MalformedResponseError,
    ResponseTooLargeError,
)
from .identifiers import url_scheme
from .settings import DidWebSettings

_CHUNK = 64 * 1024


class JsonFetcher:
    """GETs JSON objects over https with one TLS context, a size bound and a timeout."""

    def __init__(self, settings: DidWebSettings) -> None:
        self._settings = settings
        self._ssl = ssl.create_default_context(cafile=settings.ca_file)

    @property
    def settings(self) -> DidWebSettings:
        """The settings this fetcher enforces."""
        return self._settings

    def check_scheme(self, url: str, what: str) -> None:
        """Refuse anything but https, and http only when explicitly allowed."""
        scheme = url_scheme(url)
        allowed = {"https", "http"} if self._settings.allow_http else {"https"}
        if scheme not in allowed:
            hint = "" if scheme != "http" else " (http is only accepted with allow_http for tests)"
            raise InsecureEndpointError(f"{what} {url!r} is not an https URL{hint}")

    async def get_json(self, url: str, what: str) -> dict[str, Any]:
        """The JSON object at url, or a resolution error that says what went wrong where."""
        self.check_scheme(url, what)
        timeout = aiohttp.ClientTimeout(total=self._settings.timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(
                    url,
                    ssl=self._ssl,
                    allow_redirects=False,
                    headers={"Accept": "application/json"},
                ) as response,
            ):
                if response.status == 404:
                    raise DidWebObjectNotFound(f"{what} not found: {url} answered 404")
                if response.status != 200:
                    raise DidWebResolutionError(
                        f"{what} could not be fetched: {url} answered HTTP {response.status}"
                    )
                body = await self._read_bounded(response, url, what)
        except aiohttp.ClientConnectorCertificateError as error:
            raise HostUnreachableError(
                f"{what} host {error.host}:{error.port} has a certificate that does not verify"
            ) from error
        except aiohttp.ClientConnectorError as error:
            raise HostUnreachableError(
                f"{what} host {error.host}:{error.port} is unreachable: {error.os_error}"
            ) from error
        except TimeoutError as error:
            raise HostUnreachableError(
                f"{what} host did not answer {url} within {self._settings.timeout:g} s"
            ) from error
        except aiohttp.ClientError as error:
            raise HostUnreachableError(
                f"{what} could not be fetched from {url}: {error}"
            ) from error
        return _parse_object(body, url, what)

    async def _read_bounded(self, response: aiohttp.ClientResponse, url: str, what: str) -> bytes:
        limit = self._settings.max_bytes
        declared = response.content_length
        if declared is not None and declared > limit:
            raise ResponseTooLargeError(
                f"{what} at {url} is {declared} bytes, more than the {limit} byte limit"
            )
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body.extend(chunk)
            if len(body) > limit:
                raise ResponseTooLargeError(f"{what} at {url} is more than the {limit} byte limit")
        return bytes(body)


def _parse_object(body: bytes, url: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedResponseError(f"{what} at {url} is not JSON: {error}") from error
    if not isinstance(value, dict):
        raise MalformedResponseError(f"{what} at {url} is not a JSON object")
    return value
