"""The in-memory list order against a real Askar store: it must match the store's own order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aries_askar import Store

from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialSearch, StoredCredential
from wallet.credentials.order import CredentialOrder

DAY0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.provision(f"sqlite://{tmp_path}/order.db", "raw", Store.generate_raw_key())
    yield store
    await store.close()


def credential(number: int, day: int | None = None, title: str = "Course") -> StoredCredential:
    return StoredCredential.model_validate(
        {
            "id": f"w3c:{number:04d}",
            "format": "w3c",
            "title": title,
            "issuer_did": "did:key:z6MkIssuerA",
            "issued": DAY0 + timedelta(days=number if day is None else day),
            "status": "valid",
        }
    )


async def page(index: CredentialIndex, **search: object) -> tuple[list[str], int]:
    result = await index.search(CredentialSearch.model_validate(search))
    return [item.id for item in result.items], result.total


async def every_id(index: CredentialIndex, **search: object) -> list[str]:
    """All matches page by page, as the UI walks them."""
    found: list[str] = []
    while True:
        ids, total = await page(index, offset=len(found), limit=7, **search)
        found += ids
        if not ids or len(found) >= total:
            return found


async def test_out_of_order_inserts_list_newest_issued_first(store: Store) -> None:
    index = CredentialIndex(store)
    await index.warm()  # loaded before the writes, so every write updates it in place
    for number in (5, 1, 9, 3):
        await index.put(credential(number))
    await index.put_many([credential(7), credential(2), credential(8)])

    expected = ["w3c:0009", "w3c:0008", "w3c:0007", "w3c:0005", "w3c:0003", "w3c:0002"]
    assert await every_id(index) == [*expected, "w3c:0001"]
    assert (await page(index))[1] == 7
    # the store's own scan (a filter goes through Askar) agrees with the order in memory
    assert await every_id(index, format="w3c") == await every_id(index)
    # and a fresh index reading the order from the store sees the same
    assert await every_id(CredentialIndex(store)) == await every_id(index)


async def test_updates_move_only_when_the_issue_date_changes_and_ties_keep_arrival(
    store: Store,
) -> None:
    index = CredentialIndex(store)
    for number in (1, 2, 3):
        await index.put(credential(number))
    await index.warm()
    await index.put(credential(4, day=2))  # same date as 2, arrived later: listed before it
    await index.put(credential(2, title="Renamed"))  # same date: stays where it is
    assert await every_id(index) == ["w3c:0003", "w3c:0004", "w3c:0002", "w3c:0001"]

    await index.put(credential(1, day=10))  # re-issued later: moves to the top
    assert await every_id(index) == ["w3c:0001", "w3c:0003", "w3c:0004", "w3c:0002"]
    assert await every_id(index, format="w3c") == await every_id(index)
    assert await every_id(CredentialIndex(store)) == await every_id(index)
    first = (await index.search(CredentialSearch(limit=4))).items
    assert [item.title for item in first if item.id == "w3c:0002"] == ["Renamed"]


async def test_deletes_leave_the_list_and_the_total(store: Store) -> None:
    index = CredentialIndex(store)
    await index.put_many([credential(number) for number in range(1, 11)])
    assert (await page(index))[1] == 10  # loads the order on first use

    assert await index.remove("w3c:0010")
    assert await index.remove("w3c:0004")
    assert not await index.remove("w3c:0004")
    assert not await index.remove("w3c:9999")

    ids, total = await page(index, limit=100)
    assert total == 8
    assert ids == [f"w3c:{number:04d}" for number in (9, 8, 7, 6, 5, 3, 2, 1)]
    assert await every_id(CredentialIndex(store)) == ids


async def test_paging_at_an_offset_slices_newest_first(store: Store) -> None:
    index = CredentialIndex(store)
    await index.put_many([credential(number) for number in range(25, 0, -1)])  # newest first

    ids, total = await page(index, offset=20, limit=10)
    assert total == 25
    assert ids == [f"w3c:{number:04d}" for number in (5, 4, 3, 2, 1)]
    assert await page(index, offset=3, limit=2) == (["w3c:0022", "w3c:0021"], 25)
    assert await page(index, offset=25, limit=10) == ([], 25)
    assert await page(index, offset=1000, limit=10) == ([], 25)
    assert await every_id(index) == [f"w3c:{number:04d}" for number in range(25, 0, -1)]


def test_order_alone_places_ties_after_equals_and_forgets_unknown_ids() -> None:
    order = CredentialOrder([("a", "2025-01-02"), ("b", "2025-01-01")])
    assert order.newest_first(0, 10) == ["a", "b"]  # sorted even if given out of order
    order.place("c", "2025-01-01")
    order.place("a", "2025-01-02")  # unchanged key: no move
    assert order.newest_first(0, 10) == ["a", "c", "b"]
    order.remove("missing")
    order.remove("c")
    assert order.newest_first(1, 10) == ["b"]
    assert len(order) == 2


def arrived(number: int, issued_day: int, received_day: int | None) -> StoredCredential:
    base = credential(number, day=issued_day)
    received = None if received_day is None else DAY0 + timedelta(days=received_day)
    return base.model_copy(update={"received": received})


async def test_the_list_by_arrival_is_newest_received_first_and_kept_in_step(
    store: Store,
) -> None:
    """Home's recent activity: what came lately, whatever its issue date."""
    index = CredentialIndex(store)
    await index.put_many([arrived(1, 1, 10), arrived(2, 2, 11), arrived(3, 3, None)])
    # issued first, received last: first by arrival, last by issue date
    assert await every_id(index, sort="received") == ["w3c:0002", "w3c:0001", "w3c:0003"]
    await index.put(arrived(4, 0, 20))
    await index.put(arrived(5, 30, 5))
    by_arrival = ["w3c:0004", "w3c:0002", "w3c:0001", "w3c:0005", "w3c:0003"]
    assert await every_id(index, sort="received") == by_arrival
    assert await every_id(index) == ["w3c:0005", "w3c:0003", "w3c:0002", "w3c:0001", "w3c:0004"]
    assert await page(index, sort="received", limit=2) == (by_arrival[:2], 5)

    assert await index.remove("w3c:0002")
    by_arrival.remove("w3c:0002")
    assert await every_id(index, sort="received") == by_arrival
    assert await every_id(CredentialIndex(store), sort="received") == by_arrival


def test_only_the_plain_list_can_be_sorted_by_arrival() -> None:
    for search in ({"q": "course"}, {"format": "w3c"}, {"issuer": "did:key:z6MkIssuerA"}):
        with pytest.raises(ValueError, match="sort=received"):
            CredentialSearch.model_validate({**search, "sort": "received"})
    assert CredentialSearch.model_validate({"q": " ", "sort": "received"}).sort == "received"
