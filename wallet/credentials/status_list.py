"""W3C status lists: is a credential revoked or suspended, by its issuer's published list?

A credential names its place in a list (`credentialStatus`: StatusList2021Entry or
BitstringStatusListEntry, one or several); the list is a credential of its own that the
issuer signs and serves over HTTPS, holding a GZIP-compressed bitstring in base64 (2021) or
multibase base64url (Bitstring). Bit `index`, counted from the first byte's highest bit,
set means revoked (purpose `revocation`) or suspended (`suspension`).

The list comes through the same bounded fetcher as did:web documents (https only, size
and time capped), its proof is checked by the wallet's own ACA-Py, and its issuer must be
the credential's. A list that cannot be fetched or does not verify gives `unknown`, never
`valid`. Lists are kept for a few minutes: one list serves many credentials.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import logging
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from pydantic import BaseModel

LOGGER = logging.getLogger(__name__)
ENTRY_TYPES = {"StatusList2021Entry": "2021", "BitstringStatusListEntry": "bitstring"}
LIST_TYPES = {"2021": "StatusList2021Credential", "bitstring": "BitstringStatusListCredential"}
CACHE_SECONDS = 300.0
FAILURE_SECONDS = 60.0
MAX_LIST_BITS = 16 * 1024 * 1024  # far above the 131,072 bits the specs suggest
MAX_ENTRIES = 8

ListKind = Literal["2021", "bitstring"]
Purpose = Literal["revocation", "suspension"]
ListStatus = Literal["valid", "revoked", "suspended", "unknown"]
WORST_FIRST: tuple[ListStatus, ...] = ("revoked", "suspended", "unknown", "valid")


class StatusListEntry(BaseModel):
    """Where one credential's status bit is: which list, which bit, what a set bit means."""

    kind: ListKind
    purpose: Purpose
    url: str
    index: int


class StatusListError(Exception):
    """The list could not be used; the message says why (never the list's content)."""


def status_entries(document: dict[str, Any]) -> list[StatusListEntry]:
    """The revocation and suspension entries a credential names; others are ignored."""
    raw = document.get("credentialStatus")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    entries = []
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        fields = {
            "kind": ENTRY_TYPES.get(str(item.get("type"))),
            "purpose": item.get("statusPurpose"),
            "url": item.get("statusListCredential"),
            "index": str(item.get("statusListIndex", "")),
        }
        index = fields["index"]
        if isinstance(index, str) and index.isdigit() and int(index) < MAX_LIST_BITS:
            try:
                entries.append(StatusListEntry.model_validate(fields))
            except ValueError:  # another purpose ("message"), type or a URL that is no text
                continue
    return entries


def bit_is_set(encoded_list: str, index: int, kind: ListKind) -> bool:
    """Bit `index` of the list (first byte's highest bit is 0); StatusListError if unreadable."""
    text = encoded_list
    if kind == "bitstring":
        if not text.startswith("u"):
            raise StatusListError("the list is not multibase base64url ('u')")
        text = text[1:]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        bits = _gunzip(packed)
    except (binascii.Error, ValueError, OSError, EOFError, zlib.error) as error:
        raise StatusListError(f"the list cannot be decoded: {type(error).__name__}") from None
    if index >= len(bits) * 8:
        raise StatusListError(f"index {index} is beyond the list's {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _gunzip(packed: bytes) -> bytes:
    """Decompress with a bound: a small hostile list must not unpack to gigabytes."""
    limit = MAX_LIST_BITS // 8
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as unpacked:
        bits = unpacked.read(limit + 1)
    if len(bits) > limit:
        raise StatusListError("the list is larger than any real status list")
    return bits


FetchJson = Callable[[str], Awaitable[dict[str, Any]]]
VerifyProof = Callable[[dict[str, Any]], Awaitable[bool]]


class StatusListChecker:
    """Answers `status_of` for credentials; one per running wallet (it keeps the lists)."""

    def __init__(
        self,
        fetch: FetchJson,
        verify: VerifyProof,
        *,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._verify = verify
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lists: dict[str, tuple[float, dict[str, Any]]] = {}
        # A list that failed is not asked again for a while: 10,000 credentials naming an
        # unreachable host must not wait 10,000 timeouts (at start-up, reconciliation).
        self._failed: dict[str, tuple[float, str]] = {}

    async def status_of(
        self, entries: list[StatusListEntry], issuer: str | None, *, fresh: bool = False
    ) -> ListStatus:
        """Revoked wins over suspended, which wins over valid; any unreadable list: unknown.

        `fresh` reads the lists again (the learner opened the credential, or is about to
        present it); otherwise a list read in the last few minutes serves.
        """
        if fresh:
            for entry in entries:
                self._lists.pop(entry.url, None)
                self._failed.pop(entry.url, None)
        found: set[ListStatus] = set()
        for entry in entries:
            try:
                subject = await self._list_subject(entry, issuer)
                if bit_is_set(str(subject.get("encodedList", "")), entry.index, entry.kind):
                    found.add("revoked" if entry.purpose == "revocation" else "suspended")
                else:
                    found.add("valid")
            except StatusListError as error:
                LOGGER.warning("status list not usable: %s", error)
                found.add("unknown")
        for status in WORST_FIRST:
            if status in found:
                return status
        return "unknown"  # no entry at all

    async def _list_subject(self, entry: StatusListEntry, issuer: str | None) -> dict[str, Any]:
        now = self._clock()
        kept = self._lists.get(entry.url)
        failed = self._failed.get(entry.url)
        if kept is not None and now - kept[0] < self._cache_seconds:
            document = kept[1]
        elif failed is not None and now - failed[0] < FAILURE_SECONDS:
            raise StatusListError(failed[1])
        else:
            try:
                document = await self._fetched(entry.url)
            except StatusListError as error:
                self._failed[entry.url] = (now, str(error))
                raise
            self._lists[entry.url] = (now, document)
            self._failed.pop(entry.url, None)
        return _checked_subject(document, entry, issuer)

    async def _fetched(self, url: str) -> dict[str, Any]:
        try:
            document = await self._fetch(url)
        except Exception as error:  # any fetch failure: the status is unknown, said why
            raise StatusListError(f"the list at {url} could not be fetched: {error}") from None
        if not await self._verify(document):
            raise StatusListError(f"the list at {url} does not verify")
        return document


def _checked_subject(
    document: dict[str, Any], entry: StatusListEntry, issuer: str | None
) -> dict[str, Any]:
    """The list's subject, once the list is of the right kind, purpose and issuer."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if LIST_TYPES[entry.kind] not in types:
        raise StatusListError(f"{entry.url} is not a {LIST_TYPES[entry.kind]}")
    list_issuer = document.get("issuer")
    list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
    if issuer and list_issuer != issuer:
        raise StatusListError(f"the list at {entry.url} was issued by someone else")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise StatusListError(f"the list at {entry.url} has no subject")
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if entry.purpose not in purposes:
        raise StatusListError(f"the list at {entry.url} is not for {entry.purpose}")
    return subject
