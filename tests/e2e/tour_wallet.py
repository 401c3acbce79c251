"""A real wallet holding one of everything a screen can show, for the screen tour.

Filled through the real issuer and verifier and the learner's JSON API: a credential of each
kind the issuer makes, a conversation, an accepted and an open offer, a declined and a
shared request in the history, and three requests still waiting (AnonCreds with a predicate,
DIF with BBS selective disclosure, DIF drawing on two credentials); for the stacks, two
badges aligned to one ESCO skill, two more micro-credentials and a collection.
"""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple
from urllib.parse import quote

from demo.peers import (
    SAMPLE_BADGE,
    SAMPLE_MICROCREDENTIAL,
    IssuerPeer,
    LdKind,
    VerifierPeer,
    poll_until,
)
from tests.e2e.stack_wallet import fill_wallet, two_courses
from tests.e2e.steps import COURSE, course_check
from tests.integration.proof_peers import accept_next_offer, api_ok, connect, request_at_learner
from tests.integration.wallet_cli import WalletCli

MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
LD_KINDS: dict[LdKind, dict[str, Any]] = {
    "ed25519": SAMPLE_MICROCREDENTIAL,
    "bbs": SAMPLE_MICROCREDENTIAL,
    "openbadge": SAMPLE_BADGE,
}


class Screen(NamedTuple):
    name: str
    path: str
    status: int = 200


def _id(value: object) -> str:
    return quote(str(value), safe="")


def bbs_course_definition() -> dict[str, Any]:
    """A DIF request for two fields of the micro-credential, the rest hidden (BBS)."""
    return {
        "id": str(uuid.uuid4()),
        "name": "Course check",
        "purpose": "We check the course you completed.",
        "format": {"ldp_vp": {"proof_type": ["BbsBlsSignature2020"]}},
        "input_descriptors": [
            {
                "id": "course",
                "name": "Micro-credential",
                "schema": [{"uri": MICROCREDENTIAL}],
                "constraints": {
                    "limit_disclosure": "required",
                    "fields": [
                        {"path": ["$.credentialSubject.courseTitle"]},
                        {"path": ["$.credentialSubject.score"]},
                    ],
                },
            }
        ],
    }


async def _credentials(learner: WalletCli, issuer: IssuerPeer, connection: str) -> list[Screen]:
    """One credential of each kind, accepted through the wallet; the accepted offer too."""
    await issuer.offer_anoncreds(connection, COURSE)
    offer = await accept_next_offer(learner)
    screens = [
        Screen("offer-accepted", f"/offers/{_id(offer['id'])}"),
        Screen("credential-anoncreds", f"/credentials/{_id(offer['credential_id'])}"),
    ]
    for kind, subject in LD_KINDS.items():
        await issuer.offer_ld_credential(connection, kind, subject)
        stored = await accept_next_offer(learner)
        screens.append(Screen(f"credential-{kind}", f"/credentials/{_id(stored['credential_id'])}"))
    return screens


async def _requests(learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer) -> list[Screen]:
    """A declined and a shared request (for the history), and two left waiting."""
    connection = await connect(learner, verifier)
    declined = await course_check(verifier, connection, issuer.cred_def_id)
    shown = await request_at_learner(learner, verifier, declined)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline")
    shared = await verifier.request_proof_dif(connection, bbs_course_definition())
    shown = await request_at_learner(learner, verifier, shared)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    record = await verifier.wait_state("presentation", shared, {"done", "abandoned"})
    assert record.get("verified") == "true", record
    anoncreds = await course_check(verifier, connection, issuer.cred_def_id)
    dif = await verifier.request_proof_dif(connection, bbs_course_definition())
    stacked = await verifier.request_proof_dif(connection, two_courses())
    return [
        Screen(
            "consent-anoncreds", f"/requests/{_id(await _exchange(learner, verifier, anoncreds))}"
        ),
        Screen("consent-dif", f"/requests/{_id(await _exchange(learner, verifier, dif))}"),
        Screen("consent-stack", f"/requests/{_id(await _exchange(learner, verifier, stacked))}"),
    ]


async def _stacks(learner: WalletCli, held: dict[str, str]) -> list[Screen]:
    """A collection of three (one says no credits), the ESCO skill stack of two badges."""
    ids = [held[title] for title in ("Python Foundations", "SQL Basics", "Statistics 1")]
    body = {"name": "My data analysis pathway", "credential_ids": ids}
    collection = await api_ok(learner, "POST", "/api/stacks/collections", body)
    stacks = (await api_ok(learner, "GET", "/api/stacks"))["stacks"]
    (skill,) = [s for s in stacks if s["kind"] == "skill"]
    badge = _id(held["Data Analysis with Python"])
    return [
        Screen("stacks", "/stacks"),
        Screen("stack-collection", f"/stacks/{_id(collection['id'])}"),
        Screen("stack-add", f"/stacks/{_id(collection['id'])}/add"),
        Screen("stack-skill", f"/stacks/{_id(skill['id'])}"),
        Screen("stack-collect", f"/stacks/collect?credential={badge}"),
    ]


async def _exchange(learner: WalletCli, verifier: VerifierPeer, pres_ex_id: str) -> str:
    return str((await request_at_learner(learner, verifier, pres_ex_id))["exchange_id"])


async def _conversation(learner: WalletCli, issuer: IssuerPeer, connection: str) -> Screen:
    """The issuer writes, the learner answers: both sides of a conversation."""
    text = "Your certificate is ready. You can collect the printed copy at the front desk."
    await issuer.call("POST", f"/connections/{connection}/send-message", {"content": text})
    (ours,) = [
        c
        for c in (await api_ok(learner, "GET", "/api/connections"))["connections"]
        if c["label"] == issuer.label
    ]
    path = f"/api/connections/{_id(ours['id'])}/messages"

    async def arrived() -> bool:
        return text in str(await api_ok(learner, "GET", path))

    await poll_until("the issuer's message at the learner", arrived, 60)
    await api_ok(learner, "POST", path, {"text": "Thank you! I will pick it up on Tuesday."})
    return Screen("connection", f"/connections/{_id(ours['id'])}")


async def _open_offer(learner: WalletCli, issuer: IssuerPeer, connection: str) -> Screen:
    await issuer.offer_anoncreds(connection, {**COURSE, "score": "91"})

    async def pending() -> list[Any]:
        return list((await api_ok(learner, "GET", "/api/offers?state=pending"))["offers"])

    (offer,) = await poll_until("the open offer at the learner", pending, 60)
    return Screen("offer-open", f"/offers/{_id(offer['id'])}")


async def tour_screens(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer
) -> list[Screen]:
    """Every screen of a filled wallet, in menu order; an unknown address for the error page."""
    connection = await connect(learner, issuer)
    held = await _credentials(learner, issuer, connection)
    stacked = await fill_wallet(learner, issuer, connection)
    asked = await _requests(learner, issuer, verifier)
    talk = await _conversation(learner, issuer, connection)
    offer = await _open_offer(learner, issuer, connection)
    return [
        Screen("home", "/"),
        *asked,
        offer,
        held[0],
        Screen("credentials", "/credentials"),
        *held[1:],
        *await _stacks(learner, stacked),
        Screen("connections", "/connections"),
        talk,
        Screen("history", "/history"),
        Screen("settings", "/settings"),
        Screen("error", "/no-such-screen", 404),
    ]
