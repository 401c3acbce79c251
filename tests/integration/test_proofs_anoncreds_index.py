"""AnonCreds candidates from the wallet's index give the prompt ACA-Py's route gives.

The real issuer fills the real wallet from two credential definitions; the real verifier
asks. For each request the learner's ACA-Py route is read (candidates.py `fetch_candidates`,
no index) and the learner's own index entries (as /api/credentials lists them) are copied
into an index the test opens. The prompts from both have the same items with the same
candidates; only the order differs, and so the default: the route's order means nothing,
the index's default is the newest usable credential.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aries_askar import Store

from demo.peers import IssuerPeer, VerifierPeer
from protocols.consent import ConsentPrompt, build_prompt, parse_request
from protocols.consent.request import ProofRequest
from protocols.consent.trust import TrustList
from protocols.presentation.anoncreds_index import index_can_answer, indexed_anoncreds
from protocols.presentation.candidates import fetch_candidates
from tests.integration.proof_peers import (
    acapy_id,
    accept_next_offer,
    api_ok,
    connect,
    issue_anoncreds,
    learner_admin,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli
from wallet.credentials.in_step import IndexInStep
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import StoredCredential

pytestmark = pytest.mark.integration

LITERACY = "Data Literacy Foundations"
STATISTICS = "Statistics Basics"
ETHICS = "Data Ethics"


@pytest.fixture
async def copy_index(tmp_path: Path) -> AsyncIterator[CredentialIndex]:
    store = await Store.provision(f"sqlite://{tmp_path}/copy.db", "raw", Store.generate_raw_key())
    yield CredentialIndex(store)
    await store.close()


async def second_cred_def(issuer: IssuerPeer) -> str:
    """Another credential definition on the issuer's schema (no revocation: quicker)."""
    body = {
        "credential_definition": {
            "issuerId": issuer.didweb_did,
            "schemaId": issuer.schema_id,
            "tag": f"other-{uuid.uuid4().hex[:8]}",
        },
        "options": {"support_revocation": False},
    }
    result = await issuer.call("POST", "/anoncreds/credential-definition", body)
    return str(result["credential_definition_state"]["credential_definition_id"])


async def issue_with(
    issuer: IssuerPeer, learner: WalletCli, connection_id: str, cred_def_id: str, **values: str
) -> str:
    """A course result under `cred_def_id`; its ACA-Py id."""
    attributes = {
        "course_title": LITERACY,
        "provider": "Open Learning Institute",
        "score": "87",
        "completion_date": "2025-06-30",
        "learner_name": "Ada Lovelace",
        **values,
    }
    preview = {
        "@type": "issue-credential/2.0/credential-preview",
        "attributes": [{"name": k, "value": v} for k, v in attributes.items()],
    }
    body = {
        "connection_id": connection_id,
        "credential_preview": preview,
        "filter": {"anoncreds": {"cred_def_id": cred_def_id}},
        "auto_remove": False,
    }
    await issuer.call("POST", "/issue-credential-2.0/send-offer", body)
    return acapy_id((await accept_next_offer(learner))["credential_id"])


async def copy_learners_index(learner: WalletCli, index: CredentialIndex) -> None:
    """The learner's index entries, as its own API lists them, into the test's index."""
    page = await api_ok(learner, "GET", "/api/credentials?format=anoncreds&limit=100")
    await index.put_many(StoredCredential.model_validate(item) for item in page["items"])


def in_step() -> IndexInStep:
    signal = IndexInStep()
    signal.follow(asyncio.Queue())
    signal.reconciled()
    return signal


def by_referent(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["cred_info"]["referent"]: entry["cred_info"] for entry in entries}


async def test_index_entries_build_the_prompt_the_routes_entries_build(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli, copy_index: CredentialIndex
) -> None:
    ours, other = issuer.cred_def_id, await second_cred_def(issuer)
    issuer_connection = await connect(learner, issuer)
    literacy = await issue_anoncreds(issuer, learner, issuer_connection)
    statistics = await issue_anoncreds(
        issuer, learner, issuer_connection, course_title=STATISTICS, score="74"
    )
    ethics = await issue_with(
        issuer, learner, issuer_connection, other, course_title=ETHICS, score="91"
    )
    retake = await issue_with(issuer, learner, issuer_connection, other, score="65")
    issued = [literacy, statistics, ethics, retake]
    verifier_connection = await connect(learner, verifier)
    await copy_learners_index(learner, copy_index)

    only_ours = [{"cred_def_id": ours}]
    requests: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, set[str]]]] = {
        "by credential definition": (
            {"course": {"name": "course_title", "restrictions": only_ours}},
            {},
            {"course": {literacy, statistics}},
        ),
        "either definition": (
            {
                "course": {
                    "name": "course_title",
                    "restrictions": [
                        {"cred_def_id": ours, "attr::course_title::value": STATISTICS},
                        {"cred_def_id": other},
                    ],
                },
                "who": {"name": "learner_name", "restrictions": only_ours},
            },
            {},
            {"course": {statistics, ethics, retake}, "who": {literacy, statistics}},
        ),
        "by value": (
            {
                "who": {
                    "name": "learner_name",
                    "restrictions": [{"attr::course_title::value": LITERACY}],
                }
            },
            {},
            {"who": {literacy, retake}},
        ),
        "a predicate": (
            {
                "course": {
                    "names": ["course_title", "completion_date"],
                    "restrictions": only_ours,  # ACA-Py wants restrictions on a group
                }
            },
            {
                "passed": {
                    "name": "score",
                    "p_type": ">=",
                    "p_value": 80,
                    "restrictions": [{"cred_def_id": other}],
                }
            },
            {"course": {literacy, statistics}, "passed": {ethics, retake}},
        ),
        "no restriction": (
            {"who": {"name": "learner_name"}},
            {"passed": {"name": "score", "p_type": ">=", "p_value": 70}},
            {
                "who": {literacy, statistics, ethics, retake},
                "passed": {literacy, statistics, ethics, retake},
            },
        ),
    }

    admin = learner_admin(learner)
    try:
        for name, (attributes, predicates, expected) in requests.items():
            pres_ex_id = await verifier.request_proof_anoncreds(
                verifier_connection, attributes, predicates, name=name
            )
            exchange_id = (await request_at_learner(learner, verifier, pres_ex_id))["exchange_id"]
            record = await admin.presentation_exchange(exchange_id)
            request = parse_request(record.model_dump())
            assert index_can_answer(request), name

            route = await fetch_candidates(admin, exchange_id, request)
            indexed = await indexed_anoncreds(copy_index, in_step(), request)

            assert indexed is not None, name
            assert by_referent(indexed).items() <= by_referent(route).items(), name
            from_route, from_index = prompt_of(request, route), prompt_of(request, indexed)
            assert but_order(from_index) == but_order(from_route), name
            for item in from_index.items:
                usable = [view.credential_id for view in item.candidates if view.usable]
                newest = max(usable, key=issued.index)
                assert item.default_credential_id == newest, (name, item.referent)
            shown = {
                item.referent: {view.credential_id for view in item.candidates}
                for item in from_route.items
            }
            assert shown == expected, name
    finally:
        await admin.close()


def prompt_of(request: ProofRequest, entries: list[dict[str, Any]]) -> ConsentPrompt:
    return build_prompt(request, entries, TrustList(), "Verifier")


def but_order(prompt: ConsentPrompt) -> ConsentPrompt:
    """The prompt with each item's candidates by id and no default: the route lists
    AnonCreds matches in no meaningful order (see anoncreds_index.py), the index oldest
    first, so only the index's default is the newest usable one."""
    items = [
        item.model_copy(
            update={
                "candidates": sorted(item.candidates, key=lambda view: view.credential_id),
                "default_credential_id": None,
            }
        )
        for item in prompt.items
    ]
    return prompt.model_copy(update={"items": items})
