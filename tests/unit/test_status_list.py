"""W3C status lists (StatusList2021 and Bitstring): reading entries, bits, and when a list
is not to be believed. The fetch and the proof check are the wallet's own at run time."""

from __future__ import annotations

import base64
import gzip
from typing import Any

import pytest

from wallet.credentials.status_list import (
    StatusListChecker,
    StatusListEntry,
    StatusListError,
    bit_is_set,
    status_entries,
)

ISSUER = "did:key:z6MkIssuer"
URL = "https://issuer.example/status/1"


def encoded(set_bits: set[int], size: int = 131_072, *, multibase: bool = False) -> str:
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    text = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")
    return "u" + text if multibase else text


def status_list(
    set_bits: set[int], purpose: str = "revocation", *, kind: str = "2021", issuer: str = ISSUER
) -> dict[str, Any]:
    list_type = "StatusList2021Credential" if kind == "2021" else "BitstringStatusListCredential"
    return {
        "type": ["VerifiableCredential", list_type],
        "issuer": issuer,
        "credentialSubject": {
            "id": URL + "#list",
            "statusPurpose": purpose,
            "encodedList": encoded(set_bits, multibase=kind == "bitstring"),
        },
    }


def entry(index: int, purpose: str = "revocation", kind: str = "2021") -> StatusListEntry:
    return StatusListEntry(kind=kind, purpose=purpose, url=URL, index=index)  # type: ignore[arg-type]


class Web:
    """The issuer's web host and the wallet's proof check, as the checker sees them."""

    def __init__(self, document: dict[str, Any] | None, verified: bool = True) -> None:
        self.document = document
        self.verified = verified
        self.fetched = 0

    async def fetch(self, url: str) -> dict[str, Any]:
        self.fetched += 1
        if self.document is None:
            raise OSError("host unreachable")
        return self.document

    async def verify(self, document: dict[str, Any]) -> bool:
        return self.verified


def test_both_entry_types_are_read_and_other_purposes_ignored() -> None:
    document = {
        "credentialStatus": [
            {
                "type": "StatusList2021Entry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": URL,
            },
            {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "3",
                "statusListCredential": URL,
            },
            {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "message",
                "statusListIndex": "1",
            },
            {"type": "RevocationList2020Status", "revocationListIndex": "1"},
            {"type": "StatusList2021Entry", "statusPurpose": "revocation", "statusListIndex": "-1"},
        ]
    }
    assert status_entries(document) == [
        StatusListEntry(kind="2021", purpose="revocation", url=URL, index=94567),
        StatusListEntry(kind="bitstring", purpose="suspension", url=URL, index=3),
    ]
    assert status_entries({"credentialStatus": "not an object"}) == []
    assert status_entries({}) == []


@pytest.mark.parametrize("kind", ["2021", "bitstring"])
def test_bits_count_from_the_first_bytes_highest_bit(kind: str) -> None:
    text = encoded({0, 9, 131_071}, multibase=kind == "bitstring")
    assert [bit_is_set(text, i, kind) for i in (0, 1, 8, 9, 10, 131_071)] == [  # type: ignore[arg-type]
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(StatusListError, match="beyond"):
        bit_is_set(text, 131_072, kind)  # type: ignore[arg-type]


def test_unreadable_or_oversized_lists_are_errors_not_answers() -> None:
    with pytest.raises(StatusListError, match="multibase"):
        bit_is_set(encoded({1}), 1, "bitstring")
    with pytest.raises(StatusListError, match="decoded"):
        bit_is_set("!!not base64!!", 1, "2021")
    bomb = base64.urlsafe_b64encode(gzip.compress(bytes(3 * 1024 * 1024))).decode()
    with pytest.raises(StatusListError, match="larger"):
        bit_is_set(bomb, 1, "2021")


async def test_revoked_suspended_valid_from_the_issuers_verified_list() -> None:
    web = Web(status_list({5}))
    checker = StatusListChecker(web.fetch, web.verify)
    assert await checker.status_of([entry(5)], ISSUER) == "revoked"
    assert await checker.status_of([entry(6)], ISSUER) == "valid"
    web.document = status_list({7}, "suspension")
    fresh = await checker.status_of([entry(7, "suspension")], ISSUER, fresh=True)
    assert fresh == "suspended"


async def test_a_list_that_cannot_be_believed_gives_unknown_never_valid() -> None:
    for web, issuer in (
        (Web(None), ISSUER),  # not reachable
        (Web(status_list(set()), verified=False), ISSUER),  # proof does not hold
        (Web(status_list(set(), issuer="did:key:z6MkSomeoneElse")), ISSUER),
        (Web(status_list(set(), "suspension")), ISSUER),  # a list for the other purpose
        (Web(status_list(set(), kind="bitstring")), ISSUER),  # the other kind of list
    ):
        checker = StatusListChecker(web.fetch, web.verify)
        assert await checker.status_of([entry(1)], issuer) == "unknown"


async def test_one_list_is_fetched_once_for_many_credentials_until_it_ages() -> None:
    now = [0.0]
    web = Web(status_list({2}))
    checker = StatusListChecker(web.fetch, web.verify, cache_seconds=300, clock=lambda: now[0])
    for index in range(10):
        await checker.status_of([entry(index)], ISSUER)
    assert web.fetched == 1
    now[0] = 301.0
    assert await checker.status_of([entry(2)], ISSUER) == "revoked"
    assert web.fetched == 2


async def test_revoked_wins_over_suspended_and_valid() -> None:
    web = Web(status_list({1, 2}))
    checker = StatusListChecker(web.fetch, web.verify)
    assert await checker.status_of([entry(3), entry(1)], ISSUER) == "revoked"
    assert await checker.status_of([], ISSUER) == "unknown"


async def test_a_failing_list_is_not_asked_again_for_each_credential() -> None:
    """10,000 credentials on an unreachable host must not wait 10,000 timeouts."""
    now = [0.0]
    web = Web(None)
    checker = StatusListChecker(web.fetch, web.verify, clock=lambda: now[0])
    for index in range(50):
        assert await checker.status_of([entry(index)], ISSUER) == "unknown"
    assert web.fetched == 1
    web.document = status_list({3})
    now[0] = 61.0  # a minute later it is asked again
    assert await checker.status_of([entry(3)], ISSUER) == "revoked"
    web.document = None
    assert await checker.status_of([entry(3)], ISSUER, fresh=True) == "unknown"
    assert web.fetched == 3
