"""History in the controller's encrypted store: names only, newest first, outcomes updated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aries_askar import Store

from config.data_dir import DataDir
from protocols.consent import ConsentDecision, ItemChoice, build_prompt
from protocols.presentation.history_entries import approval_entry, decline_entry
from protocols.presentation.pending import PendingRequest
from tests.unit.test_consent_fixtures import (
    HOLDER_BLS,
    NOW,
    TRUST,
    VERIFIER_DID,
    anoncreds_candidate,
    anoncreds_request,
    dif_request,
    exchange_record,
    w3c_credential,
)
from wallet.controller_store import ControllerStore
from wallet.history import CATEGORY, History, HistoryEntry, HistoryVerifier
from wallet.wallet_key import WalletSecret

SECRET_VALUES = {
    "name": "Zebulon Quixotic-Vance",
    "degree": "MSc Cryptozoology",
    "graduation_date": "19991231",
    "score": "8675309123",  # long enough never to turn up by chance in an id
}
TYPED = "typed-secret-7f3a9"
VC_VALUES = {"nickname": "Captain Wobblebottom", "favouriteColour": "ultramarine-xyz"}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[ControllerStore]:
    secret = WalletSecret(key=Store.generate_raw_key(), derivation="RAW")
    opened = await ControllerStore.open(DataDir(tmp_path), secret)
    yield opened
    await opened.close()


def entry(exchange_id: str, outcome: str = "approved") -> HistoryEntry:
    return HistoryEntry(
        exchange_id=exchange_id,
        outcome=outcome,  # type: ignore[arg-type]
        verifier=HistoryVerifier(label="Acme"),
        request_name="Check",
    )


async def test_pages_come_newest_first(store: ControllerStore) -> None:
    history = History(store)
    for i in range(5):
        await history.add(entry(f"ex-{i}"))
    first = await history.page(limit=2)
    second = await history.page(limit=2, offset=2)
    assert [e.exchange_id for e in first.entries] == ["ex-4", "ex-3"]
    assert [e.exchange_id for e in second.entries] == ["ex-2", "ex-1"]
    assert first.total == 5


async def test_an_outcome_update_keeps_the_entry_in_its_place(store: ControllerStore) -> None:
    history = History(store)
    for i in range(3):
        await history.add(entry(f"ex-{i}"))
    updated = await history.set_outcome("ex-1", "failed", "stopped at presentation-sent " * 30)
    assert updated is not None and updated.outcome == "failed" and updated.updated_at
    assert len(updated.detail or "") <= 300
    page = await history.page()
    assert [e.exchange_id for e in page.entries] == ["ex-2", "ex-1", "ex-0"]
    assert page.entries[1].outcome == "failed"
    assert await history.set_outcome("unknown", "failed") is None


async def test_no_attribute_value_is_ever_stored(store: ControllerStore) -> None:
    """DESIGN §8: names, predicates and titles only; the values stay in the credentials."""
    request = anoncreds_request()
    request["requested_attributes"]["3_typed"] = {"name": "nickname_typed"}
    whole = dif_request(limit_disclosure=None)  # the whole VC is shared: every value in play
    record = exchange_record({"anoncreds": request, "dif": whole}, comment="Hiring")
    held = anoncreds_candidate("cred-1", SECRET_VALUES, list(request["requested_attributes"]))
    held["presentation_referents"] += ["2_score_GE_uuid"]
    vc = w3c_credential("vc-1", subject_id=HOLDER_BLS, extra=VC_VALUES)
    prompt = build_prompt(record, [held, vc], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(
        choices={
            "0_name_uuid": ItemChoice(credential_id="cred-1", revealed=False),
            "1_degree_uuid": ItemChoice(credential_id="cred-1"),
            "2_score_GE_uuid": ItemChoice(credential_id="cred-1"),
            "3_typed": ItemChoice(self_attested_value=TYPED),
            "degree_input": ItemChoice(credential_id="vc-1"),
        }
    )
    shown_values = {v.value for item in prompt.items for c in item.candidates for v in c.will_see}
    assert {"MSc Cryptozoology", "Captain Wobblebottom"} <= shown_values  # the prompt has them
    history = History(store)
    approved = await history.add(approval_entry(prompt, decision))
    pending = PendingRequest(
        exchange_id="ex-declined",
        state="request-received",
        verifier=prompt.verifier,
        request_name=prompt.purpose.name,
        prompt=prompt,
    )
    await history.add(decline_entry(pending, "not today"))

    assert approved.hidden == ["name"] and approved.self_attested == ["nickname_typed"]
    assert approved.predicates == ["score >= 70"]
    assert "credentialSubject.degree" in approved.revealed
    raw = [(row.value.decode(), dict(row.tags or {})) async for row in store.store.scan(CATEGORY)]
    assert len(raw) == 2
    stored = repr(raw)
    secrets = [*SECRET_VALUES.values(), TYPED, *VC_VALUES.values(), "Alice", "BSc Computer Science"]
    leaked = [value for value in secrets if value in stored]
    assert leaked == [], f"history holds values: {leaked}"
