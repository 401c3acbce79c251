"""DIF candidates are never cut off silently, and a request reads its peer once (fake admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.events import AgentEvent
from protocols.consent import ConsentPrompt, parse_request
from protocols.presentation import candidates
from protocols.presentation.flow import Deadlines, on_hint
from protocols.presentation.pending import PendingRequest
from protocols.presentation.prompting import TRUNCATED_WARNING
from protocols.wallet_services import WalletServices
from tests.unit.presentation_fakes import CONNECTION, FakeProofAdmin
from tests.unit.test_consent_fixtures import (
    HOLDER_ED,
    TRUST,
    dif_request,
    exchange_record,
    w3c_credential,
)
from tests.unit.wallet_site import close_services, make_services

EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"
OTHER = "1d5a4c1f-6d5f-4a54-b2a6-8c9e4f2a0b31"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[FakeProofAdmin, WalletServices]]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST, exchange_timeout=30)
    yield admin, services
    await close_services(services)
    await admin.close()


def ed25519_request(exchange_id: str = EXCHANGE) -> dict[str, Any]:
    record = exchange_record({"dif": dif_request(None, ["Ed25519Signature2018"])})
    return {**record, "pres_ex_id": exchange_id}


def wallet_of(total: int, matching: int) -> list[dict[str, Any]]:
    """`total` Ed25519 VCs of the right type; only the last `matching` fit the issuer filter.

    ACA-Py filters DIF candidates by proof type and schema only, so all of them come back.
    """
    found = []
    for i in range(total):
        vc = w3c_credential(f"vc-{i}", "Ed25519Signature2018", HOLDER_ED)
        if i < total - matching:
            vc["issuer"] = {"id": "did:web:someone-else.example"}
        found.append(vc)
    return found


def pending_of(services: WalletServices, exchange_id: str) -> PendingRequest:
    pending = services.requests.get(exchange_id)
    assert pending is not None, f"no pending request {exchange_id}"
    return pending


def prompt_of(services: WalletServices, exchange_id: str) -> ConsentPrompt:
    prompt = pending_of(services, exchange_id).prompt
    assert prompt is not None, "the request was refused"
    return prompt


def limits_asked(admin: FakeProofAdmin) -> list[str]:
    return [c.split("limit=")[1].split("&")[0] for c in admin.calls if "/credentials?" in c]


async def test_matches_past_the_first_thousand_are_offered(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    """The bench's case: 1,500 VCs of the right proof type, 17 matches among the last."""
    admin, services = site
    admin.add(ed25519_request(), wallet_of(1500, 17))
    await on_hint(services, EXCHANGE, Deadlines(services))
    prompt = prompt_of(services, EXCHANGE)
    assert len(prompt.items[0].candidates) == 17
    assert prompt.items[0].warning is None
    assert limits_asked(admin) == ["1000", str(candidates.MAX_LIMIT)]


async def test_the_limit_asked_is_above_the_w3c_credentials_held(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    admin, services = site
    admin.add(ed25519_request(), wallet_of(1500, 17))
    request = parse_request(admin.records[EXCHANGE])
    source = candidates.AdminCandidates(services.client, EXCHANGE)
    found = await candidates.fetch_candidate_set(source, request, w3c_held=1500)
    assert len(found.entries) == 1500 and not found.dif_truncated
    assert limits_asked(admin) == ["1600"]


async def test_reaching_acapys_cap_is_said_in_the_prompt(
    site: tuple[FakeProofAdmin, WalletServices], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, services = site
    monkeypatch.setattr(candidates, "MAX_LIMIT", 50)
    admin.add(ed25519_request(), wallet_of(60, 3))
    await on_hint(services, EXCHANGE, Deadlines(services))
    item = prompt_of(services, EXCHANGE).items[0]
    assert item.warning == TRUNCATED_WARNING
    assert limits_asked(admin) == ["50"]


async def test_a_connection_is_read_once_until_a_connections_event_names_it(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    admin, services = site
    for exchange_id in (EXCHANGE, OTHER):
        admin.add(ed25519_request(exchange_id), wallet_of(2, 1))
        await on_hint(services, exchange_id, Deadlines(services))
    reads = [c for c in admin.calls if c.startswith("GET /connections/")]
    assert len(reads) == 1
    assert pending_of(services, OTHER).verifier.label == CONNECTION["their_label"]
    assert services.connections is not None
    services.connections.on_event(
        AgentEvent(topic="connections", payload={"connection_id": CONNECTION["connection_id"]})
    )
    await services.connections.get(CONNECTION["connection_id"])
    assert len([c for c in admin.calls if c.startswith("GET /connections/")]) == 2


def test_candidates_the_wallet_knows_are_revoked_are_marked() -> None:
    from protocols.presentation.prompting import mark_revoked

    entries = [
        {"cred_info": {"referent": "a1"}, "presentation_referents": ["x"]},
        {"cred_info": {"referent": "a2"}, "presentation_referents": ["x"]},
        {"record_id": "w1", "credentialSubject": {}},
    ]
    marked = mark_revoked(entries, {"a2", "w1"})
    assert [entry.get("revoked", False) for entry in marked] == [False, True, True]
    assert mark_revoked(entries, set()) is entries
    assert "revoked" not in entries[1]  # the route's entries are not changed in place
