"""Stacks (issue #18 point 3): grouping by skill and issuer, honest totals, the learner's
collections, over a real credential index in a real Askar store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aries_askar import Store

from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialStatus, StoredCredential
from wallet.stacks.book import StackBook, StackNotFound
from wallet.stacks.grouping import is_esco
from wallet.stacks.learner_collections import (
    MAX_COLLECTIONS,
    MAX_PARTS,
    CollectionChanged,
    CollectionFull,
    CollectionNameError,
    CollectionNotFound,
    TooManyCollections,
    clean_name,
)

ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
ESCO_DATA = "http://data.europa.eu/esco/skill/a8d2b4d3-0b1e-4d4e-9b7e-4b1d2a7e1c11"
UNI = "did:web:uni.example"
ACADEMY = "did:key:z6MkAcademy"


def badge(
    ref: str,
    title: str,
    *,
    skills: list[tuple[str, str]] = (),  # type: ignore[assignment]
    credits: str | None = None,
    hours: str | None = None,
    issuer: tuple[str, str] = (UNI, "Example University"),
    day: int = 1,
    status: CredentialStatus = "valid",
) -> StoredCredential:
    """An Open Badge 3.0 summary as the index keeps it (flattened claims)."""
    attributes = {"achievement.name": title}
    for n, (name, url) in enumerate(skills):
        attributes[f"achievement.alignment[{n}].targetName"] = name
        attributes[f"achievement.alignment[{n}].targetUrl"] = url
        attributes[f"achievement.alignment[{n}].targetFramework"] = "ESCO"
    if credits is not None:
        attributes["achievement.creditsAvailable"] = credits
    if hours is not None:
        attributes["workload"] = hours
    return StoredCredential(
        id=f"w3c:{ref}",
        format="w3c",
        issuer_did=issuer[0],
        issuer_label=issuer[1],
        title=title,
        issued=datetime(2026, 1, day, tzinfo=UTC),
        status=status,
        attributes=attributes,
    )


def held_badges(*, revoked: bool) -> list[StoredCredential]:
    """Three badges on two ESCO skills, a welding certificate, and maybe a revoked badge."""
    held = [
        badge("py", "Python basics", skills=[("use Python", ESCO_PYTHON)], credits="5", day=1),
        badge(
            "sql",
            "SQL for analysts",
            skills=[("use Python", ESCO_PYTHON), ("analyse data", ESCO_DATA)],
            credits="2.5",
            hours="40",
            day=2,
        ),
        badge("viz", "Charts that speak", skills=[("analyse data", ESCO_DATA)], day=3),
        badge("weld", "Welding", issuer=(ACADEMY, "Trade Academy"), hours="120", day=5),
    ]
    if revoked:
        old = badge(
            "old",
            "Revoked statistics",
            skills=[("analyse data", ESCO_DATA)],
            credits="10",
            status="revoked",
            day=4,
        )
        held.insert(3, old)
    return held


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[StackBook]:
    store = await Store.provision(f"sqlite://{tmp_path}/c.db", "raw", Store.generate_raw_key())
    index = CredentialIndex(store)
    await index.put_many(held_badges(revoked=True))
    yield StackBook(index, store)
    await store.close()


async def test_overview_groups_by_skill_and_issuer_with_two_or_more_parts(
    book: StackBook,
) -> None:
    stacks = (await book.overview()).stacks
    shown = [(s.kind, s.name, s.totals.parts) for s in stacks]
    # Skills first, most parts first; the academy has one credential: no stack of one.
    assert shown == [
        ("skill", "analyse data", 3),
        ("skill", "use Python", 2),
        ("issuer", "Example University", 4),
    ]
    python = stacks[1]
    assert python.skill is not None and python.skill.esco and python.skill.url == ESCO_PYTHON
    assert python.skill.framework == "ESCO"
    assert stacks[2].issuer_did == UNI


async def test_totals_count_only_what_parts_carry_and_leave_out_the_revoked(
    book: StackBook,
) -> None:
    data = next(s for s in (await book.overview()).stacks if s.name == "analyse data")
    totals = data.totals
    assert (totals.parts, totals.counted, totals.withdrawn) == (3, 2, 1)
    assert (totals.credit_points, totals.with_credit_points) == (2.5, 1)  # revoked 10 not added
    assert (totals.hours, totals.with_hours, totals.without_workload) == (40.0, 1, 1)
    detail = await book.detail(data.id)
    assert [p.id for p in detail.parts] == ["w3c:old", "w3c:viz", "w3c:sql"]  # newest first
    assert detail.totals == totals
    assert [p.credit_points for p in detail.parts] == [10.0, None, 2.5]
    assert [(k.name, k.parts) for k in detail.skills] == [("use Python", 1)]  # not itself


async def test_a_stack_id_is_stable_and_an_unknown_one_is_not_found(book: StackBook) -> None:
    first = [s.id for s in (await book.overview()).stacks]
    assert first == [s.id for s in (await book.overview()).stacks]
    assert all(":" not in stack_id and "/" not in stack_id for stack_id in first)
    with pytest.raises(StackNotFound):
        await book.detail("skill-00000000000000000000")
    with pytest.raises(CollectionNotFound):
        await book.detail("collection-" + "0" * 32)


async def test_a_collection_keeps_the_learner_s_order_and_its_total(book: StackBook) -> None:
    made = await book.collections.create("  My data   analysis pathway ", ["w3c:viz", "w3c:py"])
    assert made.name == "My data analysis pathway"
    await book.collections.add(made.id, ["w3c:sql", "w3c:py"], {"w3c:viz", "w3c:py", "w3c:sql"})
    detail = await book.detail(made.id)
    assert [p.id for p in detail.parts] == ["w3c:viz", "w3c:py", "w3c:sql"]
    assert (detail.totals.credit_points, detail.totals.hours) == (7.5, 40.0)
    # The skills it shows, each linking to its own stack, by how many parts show it.
    assert [(k.name, k.parts, k.esco) for k in detail.skills] == [
        ("analyse data", 2, True),
        ("use Python", 2, True),
    ]
    assert (await book.detail(detail.skills[1].stack_id)).name == "use Python"
    assert detail.totals.without_workload == 1
    overview = (await book.overview()).stacks
    assert (overview[0].kind, overview[0].name, overview[0].totals.parts) == (
        "collection",
        "My data analysis pathway",
        3,
    )
    renamed = await book.collections.rename(made.id, "Datenanalyse – mein Weg")
    assert (await book.detail(made.id)).name == renamed.name == "Datenanalyse – mein Weg"
    await book.collections.remove(made.id, "w3c:viz")
    assert [p.id for p in (await book.detail(made.id)).parts] == ["w3c:py", "w3c:sql"]
    with pytest.raises(CollectionNotFound) as missing:
        await book.collections.remove(made.id, "w3c:viz")
    assert missing.value.reason == "part"
    await book.collections.delete(made.id)
    assert [s.kind for s in (await book.overview()).stacks].count("collection") == 0
    with pytest.raises(CollectionNotFound):
        await book.collections.delete(made.id)


async def test_a_credential_deleted_from_the_wallet_leaves_its_collections_quietly(
    book: StackBook,
) -> None:
    made = await book.collections.create("Pathway", ["w3c:py", "w3c:sql"])
    assert await book.index.remove("w3c:py")
    detail = await book.detail(made.id)
    assert [p.id for p in detail.parts] == ["w3c:sql"] and detail.totals.credit_points == 2.5
    overview = next(s for s in (await book.overview()).stacks if s.id == made.id)
    assert overview.totals.parts == 1
    # The next change of the collection forgets the id for good.
    kept = await book.collections.add(made.id, ["w3c:viz"], {"w3c:sql", "w3c:viz"})
    assert kept.credential_ids == ["w3c:sql", "w3c:viz"]


async def test_the_selection_of_a_request_is_a_stack_in_its_order(book: StackBook) -> None:
    stack = await book.selection(["w3c:sql", "w3c:weld", "w3c:gone", "w3c:sql"])
    assert stack.kind == "selection"
    assert [p.id for p in stack.parts] == ["w3c:sql", "w3c:weld"]
    assert (stack.totals.credit_points, stack.totals.hours) == (2.5, 160.0)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("", "empty"), ("   ", "empty"), ("x" * 81, "too_long"), ("a\u0000b", "not_plain"),
     ("zero\u200bwidth", "not_plain")],
)  # fmt: skip
def test_unusable_names_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(CollectionNameError) as refused:
        clean_name(raw)
    assert refused.value.reason == reason


async def test_a_collection_has_a_size_limit(book: StackBook) -> None:
    ids = [f"w3c:{n}" for n in range(MAX_PARTS + 1)]
    with pytest.raises(CollectionFull):
        await book.collections.create("Too big", ids)
    made = await book.collections.create("Almost", ids[:MAX_PARTS])
    with pytest.raises(CollectionFull):
        await book.collections.add(made.id, ids[MAX_PARTS:], set(ids))
    assert len((await book.collections.get(made.id)).credential_ids) == MAX_PARTS


def test_esco_links_are_recognised() -> None:
    assert is_esco(ESCO_PYTHON)
    assert is_esco("https://data.europa.eu/esco/occupation/abc")
    assert not is_esco("https://example.org/esco/skill/1")
    assert not is_esco(None)


async def test_a_later_write_to_the_index_shows_in_the_next_overview(book: StackBook) -> None:
    def python(stacks: list[Any]) -> Any:
        return next(s for s in stacks if s.name == "use Python")

    before = python((await book.overview()).stacks).totals
    assert (before.credit_points, before.withdrawn) == (7.5, 0)
    await book.index.set_status("w3c:py", "revoked")
    after = python((await book.overview()).stacks).totals
    assert (after.credit_points, after.withdrawn, after.parts) == (2.5, 1, 2)
    await book.index.put(badge("py2", "Python again", skills=[("use Python", ESCO_PYTHON)]))
    assert python((await book.overview()).stacks).totals.parts == 3


async def test_a_pathway_is_reordered_only_with_exactly_its_parts(book: StackBook) -> None:
    made = await book.collections.create("Pathway", ["w3c:py", "w3c:sql", "w3c:viz"])
    held = {"w3c:py", "w3c:sql", "w3c:viz"}
    moved = await book.collections.reorder(made.id, ["w3c:sql", "w3c:py", "w3c:viz"], held)
    assert moved.credential_ids == ["w3c:sql", "w3c:py", "w3c:viz"]
    for stale in (["w3c:sql", "w3c:py"], ["w3c:sql", "w3c:py", "w3c:py"],
                  ["w3c:sql", "w3c:py", "w3c:weld"]):  # fmt: skip
        with pytest.raises(CollectionChanged):
            await book.collections.reorder(made.id, stale, held)
    # A part deleted from the wallet need not be named.
    moved = await book.collections.reorder(made.id, ["w3c:viz", "w3c:sql"], {"w3c:viz", "w3c:sql"})
    assert [p.id for p in (await book.detail(made.id)).parts] == ["w3c:viz", "w3c:sql"]


async def test_an_esco_skill_groups_whatever_way_its_link_is_written(book: StackBook) -> None:
    https = ESCO_PYTHON.replace("http://", "https://") + "/"
    await book.index.put(badge("py3", "Python, again", skills=[("Python", https)], day=6))
    link_only = badge("link", "Linked only").model_copy(
        update={"issued": datetime(2025, 1, 1, tzinfo=UTC)}  # indexed first: not the name
    )
    link_only.attributes["achievement.alignment[0].targetUrl"] = ESCO_DATA
    link_only.attributes["achievement.alignment[0].targetName"] = ESCO_DATA
    await book.index.put(link_only)
    stacks = (await book.overview()).stacks
    python = next(s for s in stacks if s.name == "use Python")
    assert python.totals.parts == 3  # the https link with a slash joined the others
    data = await book.detail(next(s.id for s in stacks if s.name == "analyse data"))
    assert "w3c:link" in [p.id for p in data.parts]
    unnamed = await book.selection(["w3c:link"])
    assert [(k.name, k.esco) for k in unnamed.skills] == [(None, True)]  # no link as a name


async def test_a_wallet_keeps_at_most_so_many_collections(book: StackBook) -> None:
    for n in range(MAX_COLLECTIONS):
        await book.collections.create(f"Pathway {n}", [])
    with pytest.raises(TooManyCollections):
        await book.collections.create("One more", [])
    assert len(await book.collections.all()) == MAX_COLLECTIONS
