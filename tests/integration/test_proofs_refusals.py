"""Requests the learner does not answer: declined ones, unanswered ones, and hostile ones the
wallet refuses. In every case nothing reaches the verifier unless the learner approved.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from agent.admin_client import AdminApiError
from demo.peers import IssuerPeer, VerifierPeer
from protocols.presentation.answers import NOT_OPEN
from tests.integration.proof_peers import (
    api,
    api_ok,
    connect,
    issue_anoncreds,
    learner_admin,
    request_at_learner,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
UNANSWERED_WINDOW = 10.0


async def holder_state(learner: WalletCli, exchange_id: str) -> str:
    """ACA-Py's own state of the learner's record (the truth, not the controller's view)."""
    async with learner_admin(learner) as admin:
        record = await admin.presentation_exchange(exchange_id)
    return str(record.state)


async def newsletter_request(
    learner: WalletCli, verifier: VerifierPeer
) -> tuple[str, dict[str, Any]]:
    """The verifier asks a connected learner for an e-mail address: its pres_ex_id, and the
    request as the learner's wallet shows it."""
    connection_id = await connect(learner, verifier)
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id, {"email": {"name": "email"}}, name="Newsletter sign-up"
    )
    return pres_ex_id, await request_at_learner(learner, verifier, pres_ex_id)


async def test_decline_abandons_both_sides_and_is_in_history(
    verifier: VerifierPeer, learner: WalletCli
) -> None:
    pres_ex_id, shown = await newsletter_request(learner, verifier)
    exchange_id = shown["exchange_id"]

    reason = "I do not share my e-mail address."
    await api_ok(learner, "POST", f"/api/requests/{exchange_id}/decline", {"reason": reason})

    at_verifier = await verifier.wait_state("presentation", pres_ex_id, {"abandoned", "done"})
    assert at_verifier["state"] == "abandoned" and reason in at_verifier["error_msg"]
    assert await holder_state(learner, exchange_id) == "abandoned"
    code, _ = await api(learner, "GET", f"/api/requests/{exchange_id}")
    assert code == 404
    entry = (await api_ok(learner, "GET", "/api/history"))["entries"][0]
    assert entry["exchange_id"] == exchange_id and entry["outcome"] == "declined"
    assert entry["detail"] == reason and entry["asked_for"] == ["email"]
    assert entry["verifier"]["label"] == verifier.label and not entry["credentials"]

    # An answer to the abandoned record is refused by ACA-Py itself, in the words the
    # wallet's approve reads (it relies on this check instead of re-reading the record).
    empty = {"requested_attributes": {}, "requested_predicates": {}, "self_attested_attributes": {}}
    async with learner_admin(learner) as admin:
        with pytest.raises(AdminApiError) as refused:
            await admin.send_presentation(exchange_id, {"anoncreds": empty})
    assert refused.value.status == 400
    not_open = NOT_OPEN.search(str(refused.value))
    assert not_open is not None and not_open["state"] == "abandoned"


async def test_without_approval_nothing_is_sent(verifier: VerifierPeer, learner: WalletCli) -> None:
    pres_ex_id, shown = await newsletter_request(learner, verifier)

    # Proving a negative takes a window: poll both sides through it.
    window_ends = time.monotonic() + UNANSWERED_WINDOW
    while time.monotonic() < window_ends:
        assert (await verifier.pres_record(pres_ex_id))["state"] == "request-sent"
        assert await holder_state(learner, shown["exchange_id"]) == "request-received"
        await asyncio.sleep(0.5)
    listed = (await api_ok(learner, "GET", "/api/requests"))["requests"]
    assert [r["status"] for r in listed] == ["waiting"]
    assert (await api_ok(learner, "GET", "/api/history"))["entries"] == []


async def test_a_request_deleted_at_the_learners_agent_is_not_answered(
    verifier: VerifierPeer, learner: WalletCli
) -> None:
    pres_ex_id, shown = await newsletter_request(learner, verifier)
    exchange_id = shown["exchange_id"]
    async with learner_admin(learner) as admin:
        await admin.request("DELETE", f"/present-proof-2.0/records/{exchange_id}")

    # Whether the wallet saw the deletion first or ACA-Py refuses the answer, nothing goes.
    typed = {"choices": {"email": {"self_attested_value": "learner@example.org"}}}
    code, answer = await api(learner, "POST", f"/api/requests/{exchange_id}/approve", typed)
    assert code == 404 and answer["error"]["code"] == "request_not_found", answer
    assert (await verifier.pres_record(pres_ex_id))["state"] == "request-sent"
    assert (await api_ok(learner, "GET", "/api/requests"))["requests"] == []
    for entry in (await api_ok(learner, "GET", "/api/history"))["entries"]:
        assert entry["outcome"] == "failed" and entry["detail"].startswith("not sent: ")


def hostile_requests(cred_def_id: str) -> dict[str, tuple[dict[str, Any], str]]:
    """Name -> (presentation_request, words the learner must see)."""
    ours = [{"cred_def_id": cred_def_id}]
    thousand = {f"a{i}": {"name": f"attribute_{i}"} for i in range(1000)}
    return {
        "1,000 attributes": (
            {"anoncreds": _anoncreds(thousand)},
            "asks for 1000 items",
        ),
        "predicate on text": (
            {
                "anoncreds": _anoncreds(
                    {},
                    {
                        "p": {
                            "name": "course_title",
                            "p_type": ">=",
                            "p_value": 70,
                            "restrictions": ours,
                        }
                    },
                )
            },
            "not a whole number",
        ),
        "restrictions nothing matches": (
            {
                "anoncreds": _anoncreds(
                    {
                        "degree": {
                            "name": "course_title",
                            "restrictions": [{"cred_def_id": cred_def_id + "Nowhere"}],
                        }
                    }
                )
            },
            "You have no credential",
        ),
        "limit_disclosure with Ed25519": (
            {
                "dif": {
                    "options": {"challenge": str(uuid.uuid4())},
                    "presentation_definition": {
                        "id": str(uuid.uuid4()),
                        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
                        "input_descriptors": [
                            {
                                "id": "course",
                                "schema": [
                                    {
                                        "uri": "https://www.w3.org/2018/credentials#VerifiableCredential"
                                    }
                                ],
                                "constraints": {
                                    "limit_disclosure": "required",
                                    "fields": [{"path": ["$.credentialSubject.courseTitle"]}],
                                },
                            }
                        ],
                    },
                }
            },
            "does not accept BBS+ proofs",
        ),
    }


def _anoncreds(
    attributes: dict[str, Any], predicates: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": "Hostile",
        "version": "1.0",
        "requested_attributes": attributes,
        "requested_predicates": predicates or {},
    }


async def test_hostile_requests_are_refused_in_the_prompt_and_nothing_is_sent(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    await issue_anoncreds(issuer, learner, await connect(learner, issuer))
    connection_id = await connect(learner, verifier)
    for case, (presentation_request, words) in hostile_requests(issuer.cred_def_id).items():
        body = {
            "connection_id": connection_id,
            "presentation_request": presentation_request,
            "auto_remove": False,
        }
        pres_ex_id = (await verifier.call("POST", "/present-proof-2.0/send-request", body))[
            "pres_ex_id"
        ]
        shown = await request_at_learner(learner, verifier, pres_ex_id)
        said = " ".join([shown["refused"] or "", *shown["errors"]])
        assert not shown["answerable"], case
        assert words in said, f"{case}: the learner was told {said!r}"

        code, answer = await api(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
        assert code == 422, f"{case}: {code} {answer}"
        assert answer["error"]["code"] == "decision_invalid"
        assert (await verifier.pres_record(pres_ex_id))["state"] == "request-sent", case
        assert await holder_state(learner, shown["exchange_id"]) == "request-received", case
        await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline")
        await verifier.wait_state("presentation", pres_ex_id, {"abandoned"})
    entries = (await api_ok(learner, "GET", "/api/history"))["entries"]
    assert [e["outcome"] for e in entries] == ["declined"] * 4


async def test_over_asking_is_flagged(verifier: VerifierPeer, learner: WalletCli) -> None:
    connection_id = await connect(learner, verifier)
    names = ["date_of_birth", "home_address", *(f"detail_{i}" for i in range(10))]
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id, {f"r{i}": {"name": n} for i, n in enumerate(names)}, name="Everything"
    )
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    flags = shown["prompt"]["over_asking"]
    assert flags["too_many"] and flags["attribute_count"] == 12
    assert set(flags["sensitive"]) == {"date_of_birth", "home_address"}
    assert any("sensitive" in message for message in shown["over_asking"])
