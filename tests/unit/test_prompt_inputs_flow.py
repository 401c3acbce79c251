"""The controller's side of the prompt-inputs plugin (fake admin API at the HTTP boundary):
one call per arriving request, the plugin's refusal as the learner's words, parts left to
the index asked of ACA-Py when the index cannot answer, and two plain reads without it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from protocols.consent.wording import say
from protocols.presentation.flow import Deadlines, on_hint
from protocols.presentation.pending import PendingRequest
from protocols.wallet_services import WalletServices
from tests.unit.presentation_fakes import FakeProofAdmin
from tests.unit.test_consent_fixtures import HOLDER_ED, TRUST, w3c_credential
from tests.unit.test_presentation_candidates import EXCHANGE, OTHER, ed25519_request
from tests.unit.wallet_site import close_services, make_services

INPUTS = f"GET /learner-wallet/presentations/{EXCHANGE}/prompt-inputs"
CREDENTIAL = w3c_credential("vc-1", "Ed25519Signature2018", HOLDER_ED)


async def site_with(
    tmp_path: Path, prompt_inputs: dict[str, dict[str, Any]] | None
) -> tuple[FakeProofAdmin, WalletServices]:
    admin = FakeProofAdmin()
    admin.prompt_inputs = prompt_inputs
    await admin.start()
    return admin, await make_services(admin.url, tmp_path, TRUST, exchange_timeout=30)


@pytest.fixture
async def sites() -> AsyncIterator[list[tuple[FakeProofAdmin, WalletServices]]]:
    made: list[tuple[FakeProofAdmin, WalletServices]] = []
    yield made
    for admin, services in made:
        await close_services(services)
        await admin.close()


def pending_of(services: WalletServices, exchange_id: str = EXCHANGE) -> PendingRequest:
    pending = services.requests.get(exchange_id)
    assert pending is not None, f"no pending request {exchange_id}"
    return pending


def exchange_calls(admin: FakeProofAdmin) -> list[str]:
    return [call.split("?")[0] for call in admin.calls if EXCHANGE in call]


async def test_an_arriving_request_costs_one_call_with_what_the_plugin_found(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    record = ed25519_request()
    answer = {"record": record, "candidates": [CREDENTIAL], "searched": ["dif"]}
    admin, services = await site_with(tmp_path, {EXCHANGE: answer})
    sites.append((admin, services))
    admin.add(record, [])  # ACA-Py's own routes would find nothing: the plugin's list is used

    await on_hint(services, EXCHANGE, Deadlines(services), arriving=True)

    prompt = pending_of(services).prompt
    assert prompt is not None
    assert [c.credential_id for c in prompt.items[0].candidates] == ["vc-1"]
    assert exchange_calls(admin) == [INPUTS]


async def test_the_plugins_refusal_reaches_the_learner_in_their_words_without_a_search(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    record = ed25519_request()
    words = say("consent.engine.refused.too_many_items", count=1000, limit=50)
    answer = {"record": record, "refused": words.model_dump()}
    admin, services = await site_with(tmp_path, {EXCHANGE: answer})
    sites.append((admin, services))
    admin.add(record, [CREDENTIAL])

    await on_hint(services, EXCHANGE, Deadlines(services), arriving=True)

    pending = pending_of(services)
    assert pending.prompt is None and pending.refused_words == words
    assert pending.refused == words.english
    assert exchange_calls(admin) == [INPUTS]


async def test_a_part_left_to_an_index_that_cannot_answer_is_asked_of_acapy(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    """The plugin searched nothing (the DIF part was offered to the index), and the index
    narrows nothing for this request: the wallet asks ACA-Py's route after all."""
    record = ed25519_request()
    answer = {"record": record, "candidates": [], "searched": []}
    admin, services = await site_with(tmp_path, {EXCHANGE: answer})
    sites.append((admin, services))
    admin.add(record, [CREDENTIAL])

    await on_hint(services, EXCHANGE, Deadlines(services), arriving=True)

    prompt = pending_of(services).prompt
    assert prompt is not None
    assert [c.credential_id for c in prompt.items[0].candidates] == ["vc-1"]
    route = f"GET /present-proof-2.0/records/{EXCHANGE}/credentials"
    assert exchange_calls(admin) == [INPUTS, route]


async def test_an_exchange_acapy_no_longer_holds_is_forgotten(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    admin, services = await site_with(tmp_path, {})
    sites.append((admin, services))

    await on_hint(services, EXCHANGE, Deadlines(services), arriving=True)

    assert services.requests.get(EXCHANGE) is None
    assert exchange_calls(admin) == [INPUTS]


async def test_without_the_route_requests_are_read_by_the_two_routes_and_it_is_not_asked_again(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    admin, services = await site_with(tmp_path, None)
    sites.append((admin, services))
    for exchange_id in (EXCHANGE, OTHER):
        admin.add(ed25519_request(exchange_id), [CREDENTIAL])
        await on_hint(services, exchange_id, Deadlines(services), arriving=True)
        assert pending_of(services, exchange_id).prompt is not None

    asked = [call for call in admin.calls if "prompt-inputs" in call]
    assert len(asked) == 1 and EXCHANGE in asked[0]
    assert exchange_calls(admin) == [
        INPUTS,
        f"GET /present-proof-2.0/records/{EXCHANGE}",
        f"GET /present-proof-2.0/records/{EXCHANGE}/credentials",
    ]


async def test_a_failing_route_costs_that_request_two_reads_and_the_next_uses_it_again(
    tmp_path: Path, sites: list[tuple[FakeProofAdmin, WalletServices]]
) -> None:
    other = ed25519_request(OTHER)
    answer = {"record": other, "candidates": [CREDENTIAL], "searched": ["dif"]}
    admin, services = await site_with(tmp_path, {OTHER: answer})
    sites.append((admin, services))
    admin.failing_inputs.add(EXCHANGE)
    admin.add(ed25519_request(), [CREDENTIAL])
    admin.add(other, [])

    for exchange_id in (EXCHANGE, OTHER):
        await on_hint(services, exchange_id, Deadlines(services), arriving=True)
        assert pending_of(services, exchange_id).prompt is not None

    assert exchange_calls(admin) == [
        INPUTS,
        f"GET /present-proof-2.0/records/{EXCHANGE}",
        f"GET /present-proof-2.0/records/{EXCHANGE}/credentials",
    ]
    assert [c.split("?")[0] for c in admin.calls if OTHER in c] == [
        f"GET /learner-wallet/presentations/{OTHER}/prompt-inputs"
    ]
