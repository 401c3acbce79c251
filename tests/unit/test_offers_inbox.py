"""The offer inbox against the fake admin API and a real controller store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.events import AgentEvent, EventBus
from config.data_dir import DataDir
from config.settings import WalletSettings
from protocols.issuance.binding import IssuerBinds, never_known
from protocols.issuance.errors import (
    OfferExchangeFailed,
    OfferNotFound,
    OfferNotPending,
    OfferUnsupported,
)
from protocols.issuance.inbox import OfferInbox
from protocols.issuance.notes import OfferNotes
from tests.unit.fake_admin import ADMIN_KEY
from tests.unit.offer_fakes import (
    DIDWEB_ISSUER,
    ED25519_ISSUER,
    FakeHolderAdmin,
    anoncreds_record,
    detail,
    ld_record,
)
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletSecret

SECRET = WalletSecret(key=Store.generate_raw_key(), derivation="RAW")


class Harness:
    def __init__(self, admin: FakeHolderAdmin, tmp_path: Path) -> None:
        self.admin = admin
        self.data_dir = DataDir(tmp_path)
        self.client = AdminClient(admin.url, ADMIN_KEY)
        self.bus = EventBus()
        self.stores: list[ControllerStore] = []
        admin.connections.append({"connection_id": "conn-1", "their_label": "Open Learning"})

    async def inbox(self, binds: IssuerBinds = never_known, **settings: object) -> OfferInbox:
        """A fresh inbox on the same data dir, as after a restart of the wallet."""
        store = await ControllerStore.open(self.data_dir, SECRET)
        self.stores.append(store)
        wallet_settings = WalletSettings(**settings)  # type: ignore[arg-type]
        notes = OfferNotes(store)
        return OfferInbox(self.client, wallet_settings, notes, self.bus, issuer_binds=binds)

    async def close(self) -> None:
        for store in self.stores:
            await store.close()
        await self.client.close()


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    admin = FakeHolderAdmin()
    await admin.start()
    harness = Harness(admin, tmp_path)
    yield harness
    await harness.close()
    await admin.close()


@pytest.mark.parametrize(
    ("proof_type", "key_type"),
    [("Ed25519Signature2020", "ed25519"), ("BbsBlsSignature2020", "bls12381g2")],
)
async def test_an_issuer_known_to_bind_gets_a_new_subject_did_of_its_key_type_each_time(
    harness: Harness, proof_type: str, key_type: str
) -> None:
    harness.admin.offer(detail(ld_record("l1", proof_type)))
    harness.admin.offer(detail(ld_record("l2", proof_type)))
    asked: list[str] = []

    async def binds(issuer_did: str) -> bool:
        asked.append(issuer_did)
        return True

    inbox = await harness.inbox(binds)
    first, second = await inbox.accept("l1"), await inbox.accept("l2")
    made = [body["options"]["key_type"] for body in harness.admin.created_dids]
    assert made == [key_type, key_type]
    assert first.holder_did and second.holder_did and first.holder_did != second.holder_did
    assert harness.admin.requests == [
        ("l1", {"holder_did": first.holder_did}),
        ("l2", {"holder_did": second.holder_did}),
    ]
    assert (first.state, first.issuer_label) == ("accepted", "Open Learning")
    assert asked == ([ED25519_ISSUER] * 2 if key_type == "ed25519" else [])  # BBS: always


async def test_an_unknown_issuer_gets_the_request_as_offered_and_no_did_is_made(
    harness: Harness,
) -> None:
    """A Credo issuer on ContentApproved issues only a request equal to its offer."""
    harness.admin.offer(detail(ld_record("l1")))
    offer = await (await harness.inbox()).accept("l1")
    assert harness.admin.requests == [("l1", {})] and harness.admin.created_dids == []
    assert (offer.state, offer.holder_did, offer.subject_id) == ("accepted", None, None)


async def test_an_offer_that_names_its_subject_is_requested_as_offered(harness: Harness) -> None:
    named = {"id": "did:key:z6MkNamedByTheIssuer", "name": "Ada"}
    credential = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": ED25519_ISSUER,
        "issuanceDate": "2026-11-22T06:56:16Z",
        "credentialSubject": named,
    }
    harness.admin.offer(detail(ld_record("l1", credential=credential)))

    async def binds(_issuer_did: str) -> bool:
        return True

    offer = await (await harness.inbox(binds)).accept("l1")
    assert harness.admin.requests == [("l1", {})] and harness.admin.created_dids == []
    assert offer.subject_id == "did:key:z6MkNamedByTheIssuer"


async def test_a_bbs_offer_is_bound_even_for_an_unknown_issuer(harness: Harness) -> None:
    """Unbound, its subject would be a blank node no selective proof of it can verify."""
    harness.admin.offer(detail(ld_record("l1", "BbsBlsSignature2020")))
    offer = await (await harness.inbox()).accept("l1")
    assert [body["options"]["key_type"] for body in harness.admin.created_dids] == ["bls12381g2"]
    assert harness.admin.requests == [("l1", {"holder_did": offer.holder_did})]


async def test_an_unsupported_proof_type_is_refused_even_when_not_binding(
    harness: Harness,
) -> None:
    harness.admin.offer(detail(ld_record("l1", "JsonWebSignature2020")))
    with pytest.raises(OfferUnsupported, match="JsonWebSignature2020"):
        await (await harness.inbox()).accept("l1")
    assert harness.admin.requests == []


async def test_accepting_anoncreds_sends_an_empty_request(harness: Harness) -> None:
    harness.admin.offer(detail(anoncreds_record("a1")))
    offer = await (await harness.inbox()).accept("a1")
    assert harness.admin.requests == [("a1", {})]
    assert offer.title == "Course result"


async def test_accepting_twice_or_an_unknown_offer_is_refused_clearly(harness: Harness) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    await inbox.accept("l1")
    with pytest.raises(OfferNotPending, match="it is accepted"):
        await inbox.accept("l1")
    with pytest.raises(OfferNotFound):
        await inbox.accept("no-such-offer")
    assert len(harness.admin.requests) == 1


async def test_concurrent_accepts_send_one_request(harness: Harness) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    results = await asyncio.gather(inbox.accept("l1"), inbox.accept("l1"), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["CredentialOffer", "OfferNotPending"]
    assert len(harness.admin.requests) == 1


async def test_refused_request_shows_the_offer_failed_with_acapys_reason(harness: Harness) -> None:
    harness.admin.offer(detail(anoncreds_record("a1")))
    harness.admin.fail_requests_with = "Error resolving credential definition"
    inbox = await harness.inbox()
    with pytest.raises(OfferExchangeFailed, match="resolving credential definition"):
        await inbox.accept("a1")
    offer = await inbox.get("a1")
    assert (offer.state, offer.failure) == ("failed", "Error resolving credential definition")


async def test_a_request_acapy_fails_without_recording_is_marked_failed_by_us(
    harness: Harness,
) -> None:
    harness.admin.offer(detail(anoncreds_record("a1")))
    harness.admin.crash_requests = True
    inbox = await harness.inbox()
    with pytest.raises(OfferExchangeFailed, match="500"):
        await inbox.accept("a1")
    offer = await (await harness.inbox()).get("a1")  # also after a restart
    assert (offer.state, offer.exchange_state) == ("failed", "offer-received")
    assert offer.failure is not None and "could not be requested" in offer.failure
    with pytest.raises(OfferNotPending):
        await inbox.accept("a1")


async def test_an_unresolvable_issuer_is_named_as_the_reason(harness: Harness) -> None:
    harness.admin.offer(detail(anoncreds_record("a1")))
    harness.admin.crash_requests = True
    harness.admin.schemas.clear()  # the schema does not resolve either
    with pytest.raises(OfferExchangeFailed, match="definitions cannot be resolved"):
        await (await harness.inbox()).accept("a1")


async def test_decline_sends_the_reason_and_shows_declined(harness: Harness) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    offer = await inbox.decline("l1", "  not my course ")
    assert harness.admin.problem_reports == [("l1", "not my course")]
    assert (offer.state, offer.decline_reason) == ("declined", "not my course")
    with pytest.raises(OfferNotPending):
        await inbox.decline("l1")


async def test_a_new_offer_is_announced_once_on_the_bus(harness: Harness) -> None:
    harness.admin.offer(detail(ld_record("l1")))
    inbox = await harness.inbox()
    async with harness.bus.subscribe() as queue:
        await inbox.on_exchange_event("l1")
        await inbox.on_exchange_event("l1")  # the webhook and reconcile both hint
        event: AgentEvent = queue.get_nowait()
        assert queue.empty()
    assert (event.topic, event.source, event.payload["id"]) == ("offer_received", "wallet", "l1")
    assert event.payload["offer_id"] == "l1"  # passes the SSE allow-list, so the notice links
    assert event.payload["issuer_did"] == ED25519_ISSUER
    assert harness.admin.requests == []


@pytest.mark.parametrize(
    ("listed", "record", "accepted"),
    [
        ([ED25519_ISSUER], ld_record("x"), True),
        ([DIDWEB_ISSUER], anoncreds_record("x"), True),
        (["did:key:z6MkSomeoneElse"], ld_record("x"), False),
        ([], anoncreds_record("x"), False),
    ],
)
async def test_auto_accept_only_for_listed_issuers(harness, listed, record, accepted) -> None:
    harness.admin.offer(detail(record))
    inbox = await harness.inbox(auto_accept_issuers=listed)
    offer = await inbox.on_exchange_event("x")
    assert offer is not None
    assert bool(harness.admin.requests) is accepted
    assert offer.state == ("accepted" if accepted else "pending")
    assert offer.auto_accepted is accepted


async def test_overdue_exchange_is_marked_failed_and_stays_failed_after_restart(
    harness: Harness,
) -> None:
    record = ld_record("l1", state="request-sent")
    record["updated_at"] = "2020-01-01T00:00:00.000000Z"
    harness.admin.offer(detail(record))
    harness.admin.offer(detail(ld_record("l2", state="request-sent")))  # just now: not overdue
    record_2 = harness.admin.details["l2"]["cred_ex_record"]
    record_2["updated_at"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    inbox = await harness.inbox(exchange_timeout=5)
    failed = await inbox.mark_overdue()
    assert [offer.id for offer in failed] == ["l1"]
    assert "within 5 s" in (failed[0].failure or "")
    assert await inbox.mark_overdue() == []  # marked once
    restarted = await harness.inbox(exchange_timeout=5)
    offer = await restarted.get("l1")
    assert offer.state == "failed" and "did not send the credential" in (offer.failure or "")
    assert harness.admin.details["l1"]["cred_ex_record"]["state"] == "request-sent"  # untouched


async def test_list_puts_pending_first_and_limits_the_others(harness: Harness) -> None:
    done = ld_record("d1", state="done")
    done["created_at"] = "2026-11-23T00:00:00Z"  # newer than the pending one
    harness.admin.offer(detail(done))
    harness.admin.offer(detail(ld_record("d2", state="done")))
    harness.admin.offer(detail(anoncreds_record("p1")))
    inbox = await harness.inbox()
    assert [o.id for o in await inbox.list_offers()] == ["p1", "d1", "d2"]
    assert [o.id for o in await inbox.list_offers(limit=1)] == ["p1", "d1"]
    assert [o.id for o in await inbox.list_offers(state="done")] == ["d1", "d2"]
