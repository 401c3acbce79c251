"""AnonCreds candidates from the credential index: the route's entries, or None to ask ACA-Py.

A real CredentialIndex on a temporary Askar store; the in-step signal is the real one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aries_askar import Store

from agent.admin_models import AnonCredsCredentialInfo, W3CCredentialRecord
from protocols.consent import build_prompt, parse_request
from protocols.consent.request import ProofRequest
from protocols.presentation.anoncreds_index import index_can_answer, indexed_anoncreds
from tests.unit.test_consent_fixtures import (
    INDY_CRED_DEF,
    INDY_DID,
    INDY_SCHEMA,
    OTHER_CRED_DEF,
    TRUST,
    UNI_CRED_DEF,
    UNI_DID,
    UNI_SCHEMA,
    exchange_record,
)
from wallet.credentials.in_step import IndexInStep
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import StoredCredential
from wallet.credentials.normalize import from_anoncreds, from_w3c

DAY0 = datetime(2025, 1, 1, tzinfo=UTC)
INTERVAL = {"to": 1748772000}
OTHER_SCHEMA = "did:web:college.example?service=anoncreds&relativeRef=/schema/Q2"
DEGREE = {"name": "Alice Example", "degree": "BSc", "score": "82"}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.provision(f"sqlite://{tmp_path}/index.db", "raw", Store.generate_raw_key())
    yield store
    await store.close()


@pytest.fixture
def index(store: Store) -> CredentialIndex:
    return CredentialIndex(store)


@pytest.fixture
def in_step() -> IndexInStep:
    signal = IndexInStep()
    signal.follow(asyncio.Queue())
    signal.reconciled()
    return signal


def info(
    referent: str,
    attrs: dict[str, str] | None = None,
    cred_def_id: str = UNI_CRED_DEF,
    schema_id: str = UNI_SCHEMA,
    revocation: tuple[str, str] | None = None,
) -> AnonCredsCredentialInfo:
    rev_reg_id, cred_rev_id = revocation or (None, None)
    return AnonCredsCredentialInfo(
        referent=referent,
        schema_id=schema_id,
        cred_def_id=cred_def_id,
        rev_reg_id=rev_reg_id,
        cred_rev_id=cred_rev_id,
        attrs=DEGREE if attrs is None else attrs,
    )


async def hold(index: CredentialIndex, *infos: AnonCredsCredentialInfo) -> None:
    """Indexed as the credentials flow does, received one day apart (storage order)."""
    await index.put_many(
        from_anoncreds(item, received=DAY0 + timedelta(days=day)) for day, item in enumerate(infos)
    )


def request(
    attributes: dict[str, Any],
    predicates: dict[str, Any] | None = None,
    non_revoked: dict[str, int] | None = INTERVAL,
) -> ProofRequest:
    body: dict[str, Any] = {
        "name": "Proof",
        "version": "1.0",
        "nonce": "1234567890123456789012",
        "requested_attributes": attributes,
        "requested_predicates": predicates or {},
    }
    if non_revoked is not None:
        body["non_revoked"] = non_revoked
    return parse_request(exchange_record({"anoncreds": body}))


def named(name: str, *restrictions: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "restrictions": list(restrictions)}


def entry(item: AnonCredsCredentialInfo, referents: list[str]) -> dict[str, Any]:
    """What ACA-Py's route lists for one credential."""
    return {
        "cred_info": item.model_dump(),
        "interval": INTERVAL,
        "presentation_referents": referents,
    }


def candidates(prompt_items: list[Any], referent: str) -> list[str]:
    item = next(item for item in prompt_items if item.referent == referent)
    return [view.credential_id for view in item.candidates]


# The decision alone


@pytest.mark.parametrize(
    "restrictions",
    [
        [],
        [{"cred_def_id": UNI_CRED_DEF}],
        [{"schema_id": UNI_SCHEMA, "issuer_did": UNI_DID}],
        [{"issuer_id": UNI_DID}, {"schema_issuer_did": UNI_DID, "schema_issuer_id": UNI_DID}],
        [{"attr::degree::value": "BSc"}, {"attr::name::marker": "1"}],
    ],
)
def test_keys_the_engine_decides_from_any_credential_can_be_answered(
    restrictions: list[dict[str, str]],
) -> None:
    assert index_can_answer(request({"a": named("degree", *restrictions)}))


@pytest.mark.parametrize(
    "key", ["schema_name", "schema_version", "rev_reg_id", "issuer", "$or", "cred_def"]
)
def test_keys_the_engine_cannot_always_decide_are_left_to_acapy(key: str) -> None:
    # schema_name: only a legacy schema id carries it; did:web ones do not.
    restriction = {"cred_def_id": UNI_CRED_DEF, key: "x"}
    assert not index_can_answer(request({"a": named("degree", restriction)}))
    predicate = {"p": {"name": "score", "p_type": ">=", "p_value": 1, "restrictions": [{key: "x"}]}}
    assert not index_can_answer(request({"a": named("degree")}, predicate))


def test_a_request_without_anoncreds_is_not_for_the_index() -> None:
    dif_only = ProofRequest(exchange_id="x")
    assert not index_can_answer(dif_only)


# Answers


async def test_entries_have_the_routes_shape_and_only_what_fits(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    ours = info("ours", revocation=("did:web:uni.example?rev=1", "7"))
    theirs = info("theirs", cred_def_id=OTHER_CRED_DEF, schema_id=OTHER_SCHEMA)
    unnamed = info("unnamed", attrs={"degree": "BSc"})
    await hold(index, ours, theirs, unnamed)
    wanted = request({"who": named("name", {"cred_def_id": UNI_CRED_DEF})})

    assert await indexed_anoncreds(index, in_step, wanted) == [entry(ours, ["who"])]


async def test_every_referent_a_credential_fits_is_listed(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    ours, theirs = info("ours"), info("theirs", cred_def_id=OTHER_CRED_DEF)
    await hold(index, ours, theirs)
    wanted = request(
        {"who": named("name"), "what": named("degree", {"cred_def_id": OTHER_CRED_DEF})},
        {"pass": {"name": "score", "p_type": ">=", "p_value": 70}},
        non_revoked=None,
    )

    found = await indexed_anoncreds(index, in_step, wanted)

    assert found == [
        {**entry(ours, ["who", "pass"]), "interval": None},
        {**entry(theirs, ["who", "what", "pass"]), "interval": None},
    ]


async def test_alternatives_are_any_one_of_them_as_the_route_path_gives_the_engine(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    """ACA-Py ANDs the two restrictions (no match), so candidates.py adds every AnonCreds
    credential and the engine picks: the same candidates as from the index."""
    first, second = info("first"), info("second", cred_def_id=OTHER_CRED_DEF)
    stranger = info("stranger", cred_def_id=INDY_CRED_DEF, schema_id=INDY_SCHEMA)
    await hold(index, first, second, stranger)
    either = [{"cred_def_id": UNI_CRED_DEF}, {"cred_def_id": OTHER_CRED_DEF}]
    wanted = request({"degree": named("degree", *either)})
    route = [
        {"cred_info": item.model_dump(), "presentation_referents": []}
        for item in (first, second, stranger)
    ]

    found = await indexed_anoncreds(index, in_step, wanted)

    assert found == [entry(first, ["degree"]), entry(second, ["degree"])]
    from_index = build_prompt(wanted, found, TRUST, "Acme")
    assert from_index == build_prompt(wanted, route, TRUST, "Acme")
    assert candidates(from_index.items, "degree") == ["second", "first"]


async def test_oldest_first_by_arrival_so_the_default_is_the_newest(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    """The engine reads later entries as newer; the index keeps arrival order, whatever
    order the credentials were indexed in (a reconciliation may index them in any)."""
    old, new = info("old", cred_def_id=OTHER_CRED_DEF), info("new")
    await index.put(from_anoncreds(new, received=DAY0 + timedelta(days=1)))
    await index.put(from_anoncreds(old, received=DAY0))
    wanted = request({"ours": named("name", {"cred_def_id": UNI_CRED_DEF}), "any": named("degree")})

    found = await indexed_anoncreds(index, in_step, wanted)

    assert found == [entry(old, ["any"]), entry(new, ["ours", "any"])]
    prompt = build_prompt(wanted, found or [], TRUST, "Acme")
    assert candidates(prompt.items, "any") == ["new", "old"]
    assert [item.default_credential_id for item in prompt.items] == ["new", "new"]


async def test_legacy_ids_and_attribute_values_are_decided_like_acapy(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    legacy = info("legacy", cred_def_id=INDY_CRED_DEF, schema_id=INDY_SCHEMA)
    other = info("other", attrs={**DEGREE, "degree": "MSc"})
    await hold(index, legacy, other)
    wanted = request(
        {
            "by_issuer": named("degree", {"issuer_did": INDY_DID}),
            "by_value": named("name", {"attr::degree::value": "MSc"}),
        }
    )

    found = await indexed_anoncreds(index, in_step, wanted)

    assert found == [entry(legacy, ["by_issuer"]), entry(other, ["by_value"])]


async def test_only_anoncreds_entries_are_read(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    w3c = W3CCredentialRecord.model_validate(
        {"record_id": "vc", "cred_value": {"credentialSubject": {"name": "x"}}}
    )
    await index.put(from_w3c(w3c, received=DAY0))
    await hold(index, info("ours"))

    assert [c.id for c in await index.of_format("anoncreds")] == ["anoncreds:ours"]
    assert await indexed_anoncreds(index, in_step, request({"n": named("name")})) == [
        entry(info("ours"), ["n"])
    ]


async def test_a_write_is_seen_by_the_next_request(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    """The index keeps what it read until its next write (every proof request asks)."""
    wanted = request({"n": named("name")})
    await hold(index, info("first"))
    assert await indexed_anoncreds(index, in_step, wanted) == [entry(info("first"), ["n"])]

    await index.put(from_anoncreds(info("second"), received=DAY0 + timedelta(days=1)))
    assert await indexed_anoncreds(index, in_step, wanted) == [
        entry(info("first"), ["n"]),
        entry(info("second"), ["n"]),
    ]
    await index.remove("anoncreds:first")
    assert await indexed_anoncreds(index, in_step, wanted) == [entry(info("second"), ["n"])]


async def test_what_the_index_keeps_after_its_writes_is_what_it_would_read(
    store: Store, index: CredentialIndex
) -> None:
    """The kept summaries follow writes in any order (older arrivals, moves, removals,
    another format) exactly as a fresh read of the store lists them."""
    await index.of_format("anoncreds")  # kept from here on
    await hold(index, info("a"), info("b"), info("c"))
    await index.put(from_anoncreds(info("older"), received=DAY0 - timedelta(days=1)))
    await index.put(from_anoncreds(info("tie"), received=DAY0 + timedelta(days=1)))
    await index.put(from_anoncreds(info("a"), received=DAY0 + timedelta(days=9)))  # moves
    w3c = W3CCredentialRecord.model_validate({"record_id": "vc", "cred_value": {}})
    await index.put(from_w3c(w3c, received=DAY0))
    await index.remove("anoncreds:b")
    await index.set_status("anoncreds:c", "revoked")

    kept = await index.of_format("anoncreds")
    fresh = await CredentialIndex(store).of_format("anoncreds")

    assert [c.id for c in kept] == [c.id for c in fresh]
    assert kept == fresh
    assert [c.acapy_id for c in kept] == ["older", "tie", "c", "a"]


# Falling back


async def test_an_index_not_in_step_falls_back(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    await hold(index, info("ours"))
    in_step.lagging("a credential could not be indexed")

    assert await indexed_anoncreds(index, in_step, request({"n": named("name")})) is None


async def test_an_undecidable_key_falls_back_before_reading(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    in_step.lagging("not asked")  # were it asked, it would say no either way
    wanted = request({"n": named("name", {"schema_name": "transcript"})})

    assert await indexed_anoncreds(index, in_step, wanted) is None


@pytest.mark.parametrize(
    "restriction",
    [
        {"issuer_id": UNI_DID},  # ACA-Py stores no `issuer_id` tag: its search finds nothing
        {"cred_def_id": f"did:sov:{INDY_CRED_DEF}"},  # the engine drops did:sov:, ACA-Py not
        {"issuer_did": f"did:sov:{INDY_DID}"},
        {"attr::Degree::value": "BSc"},  # ACA-Py keeps the case of attribute names
        {"attr::degree::marker": "1"},  # and stores no marker tags
    ],
)
async def test_where_the_route_would_miss_what_the_engine_accepts_it_falls_back(
    index: CredentialIndex, in_step: IndexInStep, restriction: dict[str, str]
) -> None:
    await hold(
        index, info("ours"), info("legacy", cred_def_id=INDY_CRED_DEF, schema_id=INDY_SCHEMA)
    )

    assert (
        await indexed_anoncreds(index, in_step, request({"n": named("name", restriction)})) is None
    )


async def test_with_alternatives_the_route_path_lists_everything_so_the_engine_decides(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    ours = info("ours")
    await hold(index, ours)
    wanted = request({"n": named("name", {"issuer_id": UNI_DID}, {"cred_def_id": "elsewhere"})})

    assert await indexed_anoncreds(index, in_step, wanted) == [entry(ours, ["n"])]


async def test_a_name_in_another_case_than_the_credentials_falls_back(
    index: CredentialIndex, in_step: IndexInStep
) -> None:
    """ACA-Py's search wants `attr::Name::value`; the engine reads `name` as the same."""
    await hold(index, info("ours"))

    assert await indexed_anoncreds(index, in_step, request({"n": named("Name")})) is None


@pytest.mark.parametrize(
    "change",
    [
        {"cred_def_id": None},
        {"schema_id": None},
        {"cred_def_id": "no-issuer-here"},
        {"attributes": {"Name": "Alice", "name": "Alice Example"}},
    ],
)
async def test_an_entry_that_cannot_rebuild_cred_info_falls_back(
    index: CredentialIndex, in_step: IndexInStep, change: dict[str, Any]
) -> None:
    await hold(index, info("ours"))
    broken: StoredCredential = from_anoncreds(info("broken"), received=DAY0).model_copy(
        update=change
    )
    await index.put(broken)

    assert await indexed_anoncreds(index, in_step, request({"n": named("degree")})) is None


async def test_a_prompts_titles_come_from_the_kept_summaries_and_follow_writes(
    index: CredentialIndex,
) -> None:
    """A prompt names up to 50 AnonCreds candidates by title: from memory once kept."""
    await hold(index, info("first"))
    read = await index.get("anoncreds:first")
    assert read is not None and await index.title("anoncreds:first") == read.title
    await index.of_format("anoncreds")  # kept from here on
    renamed = from_anoncreds(info("first"), schema_name="Renamed course", received=DAY0)
    await index.put(renamed)
    assert await index.title("anoncreds:first") == "Renamed course"
    await index.remove("anoncreds:first")
    assert await index.title("anoncreds:first") is None
