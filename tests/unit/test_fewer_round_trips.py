"""Fewer admin round trips and lighter reads: counted at the fake admin's HTTP boundary."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aries_askar import Store

from agent.events import AgentEvent
from agent.json_stream import JsonStreamError, list_items
from protocols.issuance.flow import watch_deadlines
from tests.unit.offer_fakes import detail, ld_record
from tests.unit.test_credential_index import credential
from tests.unit.test_credential_sync import World, world  # noqa: F401 (fixture)
from tests.unit.test_offers_inbox import Harness, harness  # noqa: F401 (fixture)
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialSearch
from wallet.credentials.sync import handle_event


async def chunks_of(text: str, size: int) -> AsyncIterator[bytes]:
    data = text.encode()
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("size", [1, 3, 7, 64, 100_000])
async def test_list_items_decodes_each_item_whatever_the_chunking(size: int) -> None:
    items = [{"record_id": f"r{i}", "cred_value": {"name": "Zoë ✓ [x]", "n": i}} for i in range(5)]
    text = json.dumps({"results": items}, ensure_ascii=False, indent=1)
    assert [item async for item in list_items(chunks_of(text, size), "results")] == items
    empty = [item async for item in list_items(chunks_of('{"results": []}', size), "results")]
    assert empty == []


@pytest.mark.parametrize("text", ['{"results": [{"a": 1}, {"b"', '{"other": [1]}', "[1, 2]", ""])
async def test_list_items_refuses_a_cut_or_foreign_answer(text: str) -> None:
    with pytest.raises(JsonStreamError):
        _ = [item async for item in list_items(chunks_of(text, 4), "results")]


async def test_an_issuance_is_indexed_once_on_done_not_on_credential_received(
    world: World,  # noqa: F811
) -> None:
    world.holder.add_w3c("w9", "Marine Biology", "2025-01-01T00:00:00Z")
    world.holder.add_exchange("x9", "ld_proof", "w9", "t9")
    for state in ("credential-received", "done"):
        payload = {"cred_ex_id": "x9", "state": state}
        await handle_event(
            world.credentials,
            world.client,
            AgentEvent(topic="issue_credential_v2_0", payload=payload),
        )
    assert world.holder.calls.count("GET /issue-credential-2.0/records/x9") == 1
    assert await world.credentials.index.get("w3c:w9") is not None


async def test_reconcile_streams_w3c_records_and_reads_the_label_once(
    world: World,  # noqa: F811
) -> None:
    for i in range(30):
        world.holder.add_w3c(f"w{i}", f"Course {i}", f"2025-01-{i % 28 + 1:02d}T00:00:00Z")
    report = await world.credentials.reconcile()
    assert report.added == 30
    assert world.holder.calls.count("POST /credentials/w3c") == 1
    again = await world.credentials.reconcile()
    assert (again.added, again.removed, again.unchanged) == (0, 0, 30)


async def test_counts_are_cached_until_the_index_changes(tmp_path: Path) -> None:
    store = await Store.provision(f"sqlite://{tmp_path}/i.db", "raw", Store.generate_raw_key())
    try:
        index = CredentialIndex(store)
        await index.put_many([credential(n) for n in range(1, 6)])
        # a plain list counts nothing (the order in memory has its length); filters count
        first = await index.search(CredentialSearch(limit=2, format="w3c"))
        assert first.total == 5 and len(index._counts) == 1
        assert (await index.search(CredentialSearch(limit=2, offset=2, format="w3c"))).total == 5
        await index.put(credential(9, fmt="anoncreds"))
        assert not index._counts  # a write drops every cached count
        assert (await index.search(CredentialSearch())).total == 6
        assert await index.count_format("w3c") == 5
        await index.remove("w3c:0001")
        assert await index.count_format("w3c") == 4
        assert await index.held() == 5  # every format, from memory: sizes a DIF query
        await index.set_status("anoncreds:0009", "revoked")
        assert (await index.search(CredentialSearch(format="anoncreds"))).total == 1
    finally:
        await store.close()


async def test_accept_reads_the_exchange_once_and_the_label_is_kept(
    harness: Harness,  # noqa: F811
) -> None:
    harness.admin.connections[0]["state"] = "active"
    harness.admin.offer(detail(ld_record("l1")))
    harness.admin.offer(detail(ld_record("l2")))
    inbox = await harness.inbox()
    harness.admin.calls.clear()
    offer = await inbox.accept("l1")
    assert offer.state == "accepted" and offer.exchange_state == "request-sent"
    assert harness.admin.calls.count("GET /issue-credential-2.0/records/l1") == 1
    await inbox.on_exchange_event("l2")
    assert len([c for c in harness.admin.calls if c.startswith("GET /connections/")]) == 1
    assert inbox.awaiting == {"l1"}


async def test_the_deadline_watch_asks_nothing_while_nothing_is_awaited(
    harness: Harness,  # noqa: F811
) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox(exchange_timeout=0.5)
    watcher = asyncio.create_task(watch_deadlines(inbox))
    try:
        await inbox.on_exchange_event("l1")  # pending: not awaited yet
        await asyncio.sleep(0.5)  # an absence: two check periods (0.25 s) pass, no listing
        assert not [
            c for c in harness.admin.calls if c.startswith("GET /issue-credential-2.0/records?")
        ]
        await inbox.accept("l1")
        await _until(lambda: harness.admin.calls and inbox.awaiting == frozenset(), "a failure")
        failed = await inbox.get("l1")
        assert failed.state == "failed" and "did not send the credential" in (failed.failure or "")
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


async def test_the_deadline_watch_asks_nothing_once_the_awaited_exchange_is_done(
    harness: Harness,  # noqa: F811
) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox(exchange_timeout=1.0)  # checks every 0.25 s
    watcher = asyncio.create_task(watch_deadlines(inbox))
    try:
        await inbox.accept("l1")
        assert inbox.awaiting == {"l1"}
        harness.admin.details["l1"]["cred_ex_record"]["state"] = "done"
        await inbox.on_exchange_event("l1")  # the credential came before the check
        assert inbox.awaiting == frozenset()
        await asyncio.sleep(0.5)  # an absence: the check that was due finds nothing awaited
        assert not [
            c for c in harness.admin.calls if c.startswith("GET /issue-credential-2.0/records?")
        ]
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


async def _until(check, what: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
