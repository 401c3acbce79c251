"""DIF candidates narrowed by the wallet's claims index: never a match fewer than ACA-Py's list.

Real Askar store for the index; the admin API is faked at the HTTP boundary.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agent.admin_models import W3CCredentialRecord
from protocols.consent import ConsentPrompt, parse_request
from protocols.consent.request import DifRequest
from protocols.presentation.flow import Deadlines, on_hint
from protocols.presentation.narrowing import plan_request, route_filter
from protocols.wallet_services import WalletServices
from tests.unit.presentation_fakes import FakeProofAdmin
from tests.unit.test_consent_fixtures import (
    HOLDER_ED,
    TRUST,
    dif_request,
    exchange_record,
    w3c_credential,
)
from tests.unit.wallet_site import close_services, make_services
from wallet.credentials.claims import MAX_CLAIMS, claim_key, claim_tags, claim_value
from wallet.credentials.normalize import from_w3c
from wallet.credentials.stored import StoredCredentials
from wallet.credentials.sync import stored_credentials

EXCHANGE = "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20"
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
DEGREE_TYPE = "https://example.org/examples#UniversityDegreeCredential"
WANTED = "MSc Physics"


def request_body(degree_filter: dict[str, Any], proof_types: list[str] | None = None) -> dict:
    body = dif_request(None, proof_types or ["Ed25519Signature2018"])
    descriptor = body["presentation_definition"]["input_descriptors"][0]
    descriptor["constraints"]["fields"][0]["filter"] = degree_filter
    return body


def record_of(body: dict[str, Any]) -> dict[str, Any]:
    return {**exchange_record({"dif": body}), "pres_ex_id": EXCHANGE}


def dif_of(body: dict[str, Any]) -> DifRequest:
    request = parse_request(record_of(body))
    assert request.dif is not None
    return request.dif


def stored_vc(number: int, degree: str, proof_type: str = "Ed25519Signature2018") -> dict:
    """A VC as the candidates route returns it (document + record_id)."""
    return w3c_credential(f"vc-{number:03d}", proof_type, HOLDER_ED, extra={"degree": degree})


def vc_record(entry: dict[str, Any]) -> dict[str, Any]:
    """The same VC as `GET /credential/w3c/{id}` returns it (a VCRecord)."""
    document = {k: v for k, v in entry.items() if k != "record_id"}
    return {
        "record_id": entry["record_id"],
        "cred_value": document,
        "proof_types": [document["proof"]["type"]],
        "expanded_types": [VC_TYPE, DEGREE_TYPE],
        "issuer_id": document["issuer"]["id"],
    }


def holdings() -> list[dict[str, Any]]:
    """40 VCs: 3 Ed25519 with the wanted degree, one BBS with it (ACA-Py's route drops
    that one for an Ed25519 request), the rest another degree."""
    found = [stored_vc(n, "BSc Computer Science") for n in range(36)]
    found += [stored_vc(n, WANTED) for n in (36, 37, 38)]
    found.append(stored_vc(39, WANTED, "BbsBlsSignature2020"))
    return found


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[FakeProofAdmin, WalletServices]]:
    admin = FakeProofAdmin()
    await admin.start()
    services = await make_services(admin.url, tmp_path, TRUST, exchange_timeout=30)
    yield admin, services
    await close_services(services)
    await admin.close()


async def hold(admin: FakeProofAdmin, services: WalletServices, body: dict) -> StoredCredentials:
    """The route lists every Ed25519 VC (as ACA-Py: proof type only); the index has all."""
    entries = holdings()
    route = [e for e in entries if e["proof"]["type"] == "Ed25519Signature2018"]
    admin.add(record_of(body), route)
    credentials = stored_credentials(services)
    stored = []
    for entry in entries:
        record = W3CCredentialRecord.model_validate(vc_record(entry))
        admin.w3c_records[record.record_id] = vc_record(entry)
        stored.append(from_w3c(record))
    await credentials.index.put_many(stored)
    credentials.in_step.follow(asyncio.Queue())
    credentials.in_step.reconciled()
    return credentials


def offered(services: WalletServices) -> list[str]:
    pending = services.requests.get(EXCHANGE)
    assert pending is not None and pending.prompt is not None
    prompt: ConsentPrompt = pending.prompt
    return sorted(c.credential_id for c in prompt.items[0].candidates)


def route_calls(admin: FakeProofAdmin) -> int:
    return len([c for c in admin.calls if "/credentials?" in c])


def reads(admin: FakeProofAdmin) -> int:
    return len([c for c in admin.calls if c.startswith("GET /credential/w3c/")])


async def test_a_constant_field_reads_only_what_can_match_and_offers_the_same(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    admin, services = site
    await hold(admin, services, request_body({"type": "string", "const": WANTED}))
    await on_hint(services, EXCHANGE, Deadlines(services))
    assert offered(services) == ["vc-036", "vc-037", "vc-038"]
    assert route_calls(admin) == 0
    assert reads(admin) == 4  # the three, and the BBS one the route filter then drops

    services.requests.remove(EXCHANGE)
    admin.calls.clear()
    credentials = services.credentials
    assert credentials is not None
    credentials.in_step.lagging("test")  # not in step: ACA-Py's whole list, same answer
    await on_hint(services, EXCHANGE, Deadlines(services))
    assert offered(services) == ["vc-036", "vc-037", "vc-038"]
    assert route_calls(admin) == 1 and reads(admin) == 0


async def test_an_enum_field_narrows_too(site: tuple[FakeProofAdmin, WalletServices]) -> None:
    admin, services = site
    body = request_body({"type": "string", "enum": [WANTED, "PhD Nothing"]})
    await hold(admin, services, body)
    await on_hint(services, EXCHANGE, Deadlines(services))
    assert offered(services) == ["vc-036", "vc-037", "vc-038"]
    assert route_calls(admin) == 0


async def test_claims_missing_for_some_credential_fall_back_to_acapy(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    admin, services = site
    credentials = await hold(admin, services, request_body({"type": "string", "const": WANTED}))
    await credentials.index.drop_claims(["w3c:vc-037"])  # as if indexed by an older version
    await on_hint(services, EXCHANGE, Deadlines(services))
    assert offered(services) == ["vc-036", "vc-037", "vc-038"]
    assert route_calls(admin) == 1


async def test_a_partial_entry_is_always_read(site: tuple[FakeProofAdmin, WalletServices]) -> None:
    admin, services = site
    credentials = await hold(admin, services, request_body({"type": "string", "const": WANTED}))
    huge = stored_vc(40, WANTED)
    huge["credentialSubject"].update({f"note{i}": "x" for i in range(MAX_CLAIMS)})
    admin.w3c_records["vc-040"] = vc_record(huge)
    await credentials.index.put(from_w3c(W3CCredentialRecord.model_validate(vc_record(huge))))
    assert claim_tags(huge).get("partial") == "1"
    await on_hint(services, EXCHANGE, Deadlines(services))
    assert offered(services) == ["vc-036", "vc-037", "vc-038", "vc-040"]


async def test_the_index_waits_for_the_credentials_flow_to_catch_up(
    site: tuple[FakeProofAdmin, WalletServices],
) -> None:
    admin, services = site
    credentials = await hold(admin, services, request_body({"type": "string", "const": WANTED}))
    queue: asyncio.Queue[int] = asyncio.Queue()
    credentials.in_step.follow(queue)
    queue.put_nowait(1)  # an event the flow has not handled yet
    assert not await credentials.in_step.wait(0.05)

    async def flow_handles_it() -> None:
        queue.get_nowait()
        credentials.in_step.handled()

    asyncio.get_running_loop().call_later(0.05, lambda: asyncio.ensure_future(flow_handles_it()))
    assert await credentials.in_step.wait(5.0)


def test_only_constant_strings_at_plain_paths_narrow() -> None:
    assert plan_request(dif_of(request_body({"type": "string", "const": WANTED}))) is not None
    for not_narrowed in (
        {"type": "string"},
        {"type": "string", "pattern": "^MSc"},
        {"type": "number", "const": 3},
        {"type": "string", "enum": [WANTED, 3]},
    ):
        body = request_body(not_narrowed)
        fields = body["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"]
        fields[1]["filter"] = {"type": "string"}  # the issuer field names no constant either
        assert plan_request(dif_of(body)) is None, not_narrowed
    body = request_body({"type": "string", "const": WANTED})
    fields = body["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"]
    fields[1]["filter"] = {"type": "string"}
    for path in ("$.credentialSubject[*].degree", "$.credentialSubject[0].degree"):
        changed = copy.deepcopy(body)
        changed["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"][0][
            "path"
        ] = [path]
        assert plan_request(dif_of(changed)) is None, path
    optional = copy.deepcopy(body)
    optional["presentation_definition"]["input_descriptors"][0]["constraints"]["fields"][0][
        "optional"
    ] = True
    assert plan_request(dif_of(optional)) is None


def test_the_route_filter_mirrors_acapys_choice() -> None:
    descriptor = dif_of(request_body({"const": WANTED})).presentation_definition.input_descriptors[
        0
    ]
    listed = {"ldp_vp": {"proof_type": ["Ed25519Signature2020", "BbsBlsSignature2020"]}}
    chosen = route_filter(listed, descriptor)
    assert chosen is not None and chosen.proof_types == ["Ed25519Signature2020"]
    assert chosen.schema_uris == [VC_TYPE, DEGREE_TYPE]
    assert route_filter({"ldp_vc": {"proof_type": ["Ed25519Signature2020"]}}, descriptor) is None
    assert route_filter({"ldp_vp": {"proof_type": ["JsonWebSignature2020"]}}, descriptor) is None
    limited = descriptor.model_copy(
        update={
            "constraints": descriptor.constraints.model_copy(
                update={"limit_disclosure": "required"}
            )
        }
    )
    assert route_filter(None, limited) == route_filter({}, limited)
    assert route_filter(None, limited) is not None
    assert route_filter(None, limited).proof_types == ["BbsBlsSignature2020"]  # type: ignore[union-attr]
    assert route_filter({"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}}, limited) is None
    oneof = descriptor.model_copy(update={"schema_": {"oneof_filter": [[{"uri": VC_TYPE}]]}})
    assert route_filter(None, oneof) is None


def test_claim_tags_hold_every_plain_string_exactly() -> None:
    long_text = 'y\\"ü' * 300
    tags = claim_tags(
        {
            "issuer": {"id": "did:web:uni.example"},
            "credentialSubject": {"degree": {"name": "MSc"}, "skills": ["a", "b"], "n": 3},
            "note": long_text,
        }
    )
    assert tags[claim_key(("issuer", "id"))] == claim_value("did:web:uni.example")
    assert tags[claim_key(("credentialSubject", "degree", "name"))] == claim_value("MSc")
    assert tags[claim_key(("note",))] == claim_value(long_text)
    assert claim_key(("a.b",)) != claim_key(("a", "b"))
    assert not any("skills" in key for key in tags)  # reachable only by an index: not narrowed
    assert "partial" not in tags
    assert claim_tags(None)["partial"] == "1"
