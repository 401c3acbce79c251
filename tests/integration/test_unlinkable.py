"""#17 point 3 against real ACA-Py peers: each W3C credential has a subject DID of its own,
so two credentials shown to two verifiers share no identifier besides what was asked for;
the prompt says what makes one credential recognisable when shown again; credentials of
different subjects still go together in one presentation the verifier accepts.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from demo.peer_verifier import start_verifier
from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer, VerifierPeer
from tests.integration.conftest import start_binding_learner
from tests.integration.proof_peers import api_ok, connect, issue_ld, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration
MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
OTHER_VERIFIER = "Northside Hiring Office"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other_verifier(
    tmp_path_factory: pytest.TempPathFactory, didweb_host: DidWebHostProcess
) -> AsyncIterator[VerifierPeer]:
    """A second verifier with an agent and keys of its own."""
    peer = await start_verifier(
        tmp_path_factory.mktemp("other-verifier"), didweb_host, OTHER_VERIFIER
    )
    yield peer
    await peer.stop()


@pytest.fixture
def learner(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer
) -> Iterator[WalletCli]:
    """The issuer is known to bind (trust list), so each W3C credential gets a DID of its own."""
    cli = start_binding_learner(tmp_path / "learner", didweb_host, issuer)
    try:
        yield cli
    finally:
        cli.kill()


def descriptor(name: str, title: str, limit: bool) -> dict[str, Any]:
    field = {
        "path": ["$.credentialSubject.courseTitle"],
        "filter": {"type": "string", "const": title},
    }
    constraints: dict[str, Any] = {"fields": [field]}
    if limit:
        constraints["limit_disclosure"] = "required"
    return {
        "id": name,
        "name": name,
        "schema": [{"uri": MICROCREDENTIAL}],
        "constraints": constraints,
    }


def definition(proof_type: str, *descriptors: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": "Course check",
        "format": {"ldp_vp": {"proof_type": [proof_type]}},
        "input_descriptors": list(descriptors),
    }


def strings(value: Any) -> set[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, dict):
        return {s for item in value.values() for s in strings(item)}
    if isinstance(value, list):
        return {s for item in value for s in strings(item)}
    return {value} if isinstance(value, str) else set()


def identifiers(presentation: dict[str, Any], issuer_did: str) -> set[str]:
    """DIDs and URNs in what a verifier received, less the issuer's (disclosed by design)."""
    return {
        s
        for s in strings(presentation)
        if s.startswith(("did:", "urn:")) and not s.startswith(issuer_did)
    }


async def present(
    learner: WalletCli, verifier: VerifierPeer, pd: dict[str, Any], choices: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The learner answers with the given credential per descriptor; (prompt, verifier's record)."""
    connection_id = await connect(learner, verifier)
    pres_ex_id = await verifier.request_proof_dif(connection_id, pd)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    decision = {"choices": {d: {"credential_id": c} for d, c in choices.items()}}
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve", decision)
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    return shown["prompt"], record


def candidate(prompt: dict[str, Any], credential_id: str) -> dict[str, Any]:
    views = [c for item in prompt["items"] for c in item["candidates"]]
    return next(c for c in views if c["credential_id"] == credential_id)


async def test_two_credentials_shown_to_two_verifiers_share_no_identifier(
    issuer: IssuerPeer,
    verifier: VerifierPeer,
    other_verifier: VerifierPeer,
    learner: WalletCli,
) -> None:
    issuer_connection = await connect(learner, issuer)
    statistics = {**SAMPLE_MICROCREDENTIAL, "courseTitle": "Statistics 3"}
    welding = {**SAMPLE_MICROCREDENTIAL, "courseTitle": "Welding Safety 1"}
    whole = await issue_ld(issuer, learner, issuer_connection, "ed25519", statistics)
    derived = await issue_ld(issuer, learner, issuer_connection, "bbs", welding)

    first_pd = definition("Ed25519Signature2020", descriptor("course", "Statistics 3", False))
    first_prompt, first = await present(learner, verifier, first_pd, {"course": whole})
    second_pd = definition("BbsBlsSignature2020", descriptor("course", "Welding Safety 1", True))
    second_prompt, second = await present(learner, other_verifier, second_pd, {"course": derived})

    first_seen = identifiers(first["by_format"]["pres"]["dif"], issuer.ed25519_did)
    second_seen = identifiers(second["by_format"]["pres"]["dif"], issuer.bbs_did)
    first_subject = first["by_format"]["pres"]["dif"]["verifiableCredential"][0][
        "credentialSubject"
    ]
    second_subject = second["by_format"]["pres"]["dif"]["verifiableCredential"][0][
        "credentialSubject"
    ]
    # Each saw the subject DID of the credential it asked for, and a different one...
    assert first_subject["id"] in first_seen and second_subject["id"] in second_seen
    assert first_subject["id"] != second_subject["id"]
    # ...and nothing else they could match up: no DID, key or credential number in common.
    assert first_seen & second_seen == set(), first_seen & second_seen
    # The prompt said, in plain words, what makes each recognisable when shown again.
    assert candidate(first_prompt, whole)["linkable"] == "whole"
    assert candidate(second_prompt, derived)["linkable"] == "fixed_ids"


async def test_credentials_of_two_subjects_go_in_one_presentation_the_verifier_accepts(
    issuer: IssuerPeer, verifier: VerifierPeer, learner: WalletCli
) -> None:
    issuer_connection = await connect(learner, issuer)
    titles = ("Statistics 3", "Welding Safety 1")
    ids = [
        await issue_ld(
            issuer,
            learner,
            issuer_connection,
            "ed25519",
            {**SAMPLE_MICROCREDENTIAL, "courseTitle": t},
        )
        for t in titles
    ]
    pd = definition(
        "Ed25519Signature2020",
        descriptor("statistics", titles[0], False),
        descriptor("welding", titles[1], False),
    )
    _, record = await present(learner, verifier, pd, {"statistics": ids[0], "welding": ids[1]})
    received = record["by_format"]["pres"]["dif"]["verifiableCredential"]
    subjects = {credential["credentialSubject"]["id"] for credential in received}
    assert {c["credentialSubject"]["courseTitle"] for c in received} == set(titles)
    assert len(subjects) == 2  # two subject DIDs, one presentation, verified above
