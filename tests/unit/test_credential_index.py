"""The credential index against a real Askar store in a temp dir."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aries_askar import Store

from wallet.credentials.index import (
    IDS_CATEGORY,
    INDEX_CATEGORY,
    WORDS_CATEGORY,
    CredentialIndex,
)
from wallet.credentials.models import CredentialSearch, StoredCredential

DAY0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.provision(f"sqlite://{tmp_path}/index.db", "raw", Store.generate_raw_key())
    yield store
    await store.close()


def credential(
    number: int,
    *,
    title: str = "Course",
    fmt: str = "w3c",
    issuer: str = "did:key:z6MkIssuerA",
    attributes: dict[str, str] | None = None,
    **extra: object,
) -> StoredCredential:
    return StoredCredential.model_validate(
        {
            "id": f"{fmt}:{number:04d}",
            "format": fmt,
            "title": title,
            "issuer_did": issuer,
            "issued": DAY0 + timedelta(days=number),
            "status": "valid",
            "attributes": attributes or {},
            "raw": {"secret": "kept out of the index"},
            **extra,
        }
    )


async def ids(index: CredentialIndex, **search: object) -> list[str]:
    page = await index.search(CredentialSearch.model_validate(search))
    return [item.id for item in page.items]


async def test_lists_newest_issued_first_whatever_the_arrival_order(store: Store) -> None:
    index = CredentialIndex(store)
    for number in (5, 1, 9, 3, 7, 2, 8):
        await index.put(credential(number))

    assert await ids(index) == [f"w3c:{n:04d}" for n in (9, 8, 7, 5, 3, 2, 1)]
    page = await index.search(CredentialSearch(limit=3, offset=2))
    assert [item.id for item in page.items] == ["w3c:0007", "w3c:0005", "w3c:0003"]
    assert (page.total, page.limit, page.offset) == (7, 3, 2)


async def test_a_batch_in_any_order_lands_in_issue_order(store: Store) -> None:
    index = CredentialIndex(store)
    await index.put_many([credential(5), credential(1), credential(9), credential(3)])
    await index.put_many([credential(4), credential(10)])
    assert await ids(index) == [f"w3c:{n:04d}" for n in (10, 9, 5, 4, 3, 1)]
    assert await ids(index, q="course", limit=2, offset=1) == ["w3c:0009", "w3c:0005"]


async def test_updating_keeps_one_entry_and_the_raw_document_stays_out(store: Store) -> None:
    index = CredentialIndex(store)
    await index.put(credential(1, title="Old title"))
    await index.put(credential(2))
    await index.put(credential(1, title="New title"))
    await index.put(credential(1, title="Newer", issued=DAY0 + timedelta(days=30)))

    assert await ids(index) == ["w3c:0001", "w3c:0002"]
    stored = await index.get("w3c:0001")
    assert stored is not None and stored.title == "Newer" and stored.raw is None
    assert await index.ids() == {"w3c:0001", "w3c:0002"}
    async with store.session() as session:
        assert await session.count(INDEX_CATEGORY) == 2
        assert await session.count(IDS_CATEGORY) == 2
        assert await session.count(WORDS_CATEGORY) == 2


async def test_word_prefix_search_format_and_issuer_filters(store: Store) -> None:
    index = CredentialIndex(store)
    await index.put(credential(1, title="Data Science Basics", attributes={"level": "EQF 5"}))
    await index.put(credential(2, title="Welding", attributes={"skills[0]": "Metallurgy"}))
    await index.put(
        credential(3, fmt="anoncreds", title="degree", issuer="did:web:uni.example",
                   attributes={"name": "Alice Example"}, issuer_label="Example University")
    )  # fmt: skip

    assert await ids(index, q="sci") == ["w3c:0001"]
    assert await ids(index, q="DATA bas") == ["w3c:0001"]
    assert await ids(index, q="metal") == ["w3c:0002"]
    assert await ids(index, q="alice univ") == ["anoncreds:0003"]
    assert await ids(index, q="data welding") == []
    assert await ids(index, format="anoncreds") == ["anoncreds:0003"]
    assert await ids(index, format="w3c", q="we") == ["w3c:0002"]
    assert await ids(index, issuer="did:web:uni.example") == ["anoncreds:0003"]
    assert await ids(index, issuer="did:key:z6MkIssuerA") == ["w3c:0002", "w3c:0001"]


async def test_remove_status_and_revocation_lookup(store: Store) -> None:
    index = CredentialIndex(store)
    revocable = credential(
        1, fmt="anoncreds", rev_reg_id="did:web:x?relativeRef=/revRegDef/r1", cred_rev_id="3"
    )
    await index.put(revocable)
    await index.put(credential(2))

    found = await index.find_by_revocation("did:web:x?relativeRef=/revRegDef/r1", "3")
    assert found is not None and found.id == "anoncreds:0001"
    assert await index.find_by_revocation("did:web:x?relativeRef=/revRegDef/r1", "4") is None
    assert [c.id for c in await index.revocable_not_revoked()] == ["anoncreds:0001"]

    updated = await index.set_status("anoncreds:0001", "revoked")
    assert updated is not None and updated.status == "revoked"
    assert await index.revocable_not_revoked() == []
    assert await ids(index) == ["w3c:0002", "anoncreds:0001"]  # position unchanged
    assert await index.set_status("w3c:9999", "revoked") is None

    assert await index.remove("anoncreds:0001") is True
    assert await index.remove("anoncreds:0001") is False
    assert await index.ids() == {"w3c:0002"}


async def test_content_tags_are_encrypted_not_plain(store: Store, tmp_path: Path) -> None:
    index = CredentialIndex(store)
    await index.put(credential(1, title="Quantumphysics", attributes={"name": "Zebediah"}))
    await store.close()
    raw = (tmp_path / "index.db").read_bytes()
    for secret in (b"Quantumphysics", b"quantum", b"Zebediah", b"zebe", b"did:key"):
        assert secret not in raw


async def test_a_page_read_while_credentials_come_and_go_counts_what_it_lists(
    tmp_path: Path,
) -> None:
    """The wallet's store has one connection: a page waits for a write's transaction, and
    its total must still describe the items it returns (CI saw total 1 with no item)."""
    uri = f"sqlite://{tmp_path}/one.db?max_connections=1"
    store = await Store.provision(uri, "raw", Store.generate_raw_key())
    try:
        index = CredentialIndex(store)
        await index.warm()
        seen: list[tuple[int, int]] = []
        for number in range(40):
            added = asyncio.create_task(index.put(credential(number)))
            await asyncio.sleep(number % 4 * 0.0005)  # the write's transaction may be open
            page = await index.search(CredentialSearch())
            await added
            seen.append((page.total, len(page.items)))
            assert await ids(index) == [credential(number).id]
            removed = asyncio.create_task(index.remove(credential(number).id))
            await asyncio.sleep(number % 4 * 0.0005)
            page = await index.search(CredentialSearch())
            await removed
            seen.append((page.total, len(page.items)))
            assert await ids(index) == []
        assert all(total == listed for total, listed in seen), seen
    finally:
        await store.close()
