"""The learner's offer inbox: list, show, accept and decline credential offers.

Every answer re-reads ACA-Py's record (the truth about the exchange) and merges the
controller's note (the learner's decision, a passed deadline).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import UTC, datetime
from typing import Literal

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import CredentialExchangeDetail
from agent.connection_cache import ConnectionCache
from agent.events import AgentEvent, EventBus
from config.settings import WalletSettings
from protocols.issuance.binding import IssuerBinds, never_known, subject_for_request
from protocols.issuance.deadline import (
    WAITING_STATES,
    overdue_reason,
    resume_min_idle,
    store_resume_due,
)
from protocols.issuance.errors import (
    OfferExchangeFailed,
    OfferNotFound,
    OfferNotPending,
    OfferUnsupported,
)
from protocols.issuance.failure_reasons import resolution_problem, store_failure, why_unstorable
from protocols.issuance.hints import KnownExchanges
from protocols.issuance.holder_did import HolderDidError
from protocols.issuance.models import CredentialOffer, OfferNote, OfferState
from protocols.issuance.notes import OfferNotes, accepted, failed
from protocols.issuance.offer_view import offer_body, offer_view

LOGGER = logging.getLogger(__name__)
LIST_PAGE = 1000
DEFAULT_DECLINE_REASON = "declined by the learner"


class OfferInbox:
    """One per running wallet, shared by the offers flow and the JSON API."""

    def __init__(
        self,
        client: AdminClient,
        settings: WalletSettings,
        notes: OfferNotes,
        bus: EventBus,
        connections: ConnectionCache | None = None,
        issuer_binds: IssuerBinds = never_known,
    ) -> None:
        self._client = client
        self._issuer_binds = issuer_binds
        self._connections = connections or ConnectionCache(client)
        self._settings = settings
        self._notes = notes
        self._bus = bus
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._schema_names: dict[str, str | None] = {}
        self._announced: dict[str, OfferState] = {}
        # Exchanges waiting for the issuer (or the store): the deadline watcher polls
        # ACA-Py only while this is not empty.
        self._awaiting: set[str] = set()
        self._awaiting_changed = asyncio.Event()
        self._known = KnownExchanges()  # last record per open exchange (see hints.py)

    async def list_offers(
        self, limit: int = 50, state: OfferState | None = None
    ) -> list[CredentialOffer]:
        """Pending offers first (newest first), then up to `limit` recent others."""
        details = await self._client.list_credential_exchange_details(
            role="holder", limit=LIST_PAGE
        )
        # The learner's own name for a connection wins over the peer's label (names.py).
        labels = {
            c.connection_id: self._connections.display_label(c)
            for c in await self._client.list_connections()
        }
        notes = await self._notes.all()
        views = [
            await self._view(d, labels.get(d.cred_ex_record.connection_id or ""), notes)
            for d in details
        ]
        views = [v for v in views if state is None or v.state == state]
        newest = sorted(views, key=lambda v: v.received_at or datetime.min.replace(tzinfo=UTC))
        newest.reverse()
        pending = [v for v in newest if v.state == "pending"]
        return pending + [v for v in newest if v.state != "pending"][:limit]

    async def get(self, cred_ex_id: str) -> CredentialOffer:
        detail = await self._detail(cred_ex_id)
        label = await self._connections.label(detail.cred_ex_record.connection_id)
        return await self._view(detail, label, None)

    @property
    def awaiting(self) -> frozenset[str]:
        """Exchanges accepted and not yet finished (as last read), for the deadline watch."""
        return frozenset(self._awaiting)

    async def wait_awaiting(self) -> None:
        """Return once some exchange is awaited (at once if one already is)."""
        while not self._awaiting:
            self._awaiting_changed.clear()
            await self._awaiting_changed.wait()

    async def accept(self, cred_ex_id: str, *, auto: bool = False) -> CredentialOffer:
        """Request the credential; a W3C one bound to a new DID where the issuer accepts it."""
        async with self._locks[cred_ex_id]:
            # The offer as last read (by its webhook) if still open: ACA-Py itself refuses
            # a request for an exchange that moved on since, and that refusal is shown.
            detail = self._known.pending(cred_ex_id) or await self._detail(cred_ex_id)
            label = await self._connections.label(detail.cred_ex_record.connection_id)
            offer = await self._view(detail, label, None)
            if offer.state != "pending":
                raise OfferNotPending(f"cannot accept offer {cred_ex_id}: it is {offer.state}")
            holder_did = await self._holder_did(offer)
            noted, answer = await asyncio.gather(
                self._notes.update(cred_ex_id, accepted(auto, holder_did)),
                self._client.send_credential_request(cred_ex_id, holder_did),
                return_exceptions=True,
            )
            if isinstance(answer, AdminApiError):
                reason = await self._refused(cred_ex_id, answer)
                raise OfferExchangeFailed(reason) from None
            if isinstance(answer, BaseException):
                raise answer
            if isinstance(noted, BaseException):  # requested all the same: say so, go on
                LOGGER.warning("offer %s: acceptance not noted: %s", cred_ex_id, noted)
            LOGGER.info("accepted offer %s%s", cred_ex_id, " automatically" if auto else "")
            # send-request answers the updated record: no need to read it back.
            sent = detail.model_copy(update={"cred_ex_record": answer})
            self._known.keep(sent)
            return await self._announce(await self._view(sent, label, None))

    async def decline(self, cred_ex_id: str, reason: str | None = None) -> CredentialOffer:
        """Tell the issuer no (a problem report); both sides' records go to `abandoned`."""
        reason = (reason or "").strip() or DEFAULT_DECLINE_REASON
        async with self._locks[cred_ex_id]:
            await self._pending(cred_ex_id, "decline")
            await self._notes.update(
                cred_ex_id,
                lambda note: note.model_copy(
                    update={
                        "decision": "declined",
                        "decided_at": datetime.now(UTC),
                        "decline_reason": reason,
                    }
                ),
            )
            try:
                await self._client.send_credential_problem_report(cred_ex_id, reason)
            except AdminApiError as error:
                raise OfferExchangeFailed(f"the issuer could not be told: {error}") from None
            LOGGER.info("declined offer %s", cred_ex_id)
            return await self._announce(await self.get(cred_ex_id))

    async def on_exchange_event(
        self, cred_ex_id: str, event: AgentEvent | None = None
    ) -> CredentialOffer | None:
        """A webhook or reconcile hint: re-read (unless the webhook says enough, see hints.py),
        announce changes, auto-accept if configured."""
        hint = self._known.learn(event) if event is not None else None
        if hint is not None and hint.kind == "nothing":
            return None
        try:
            if hint is not None and hint.detail is not None:
                self._known.keep(hint.detail)
                label = await self._connections.label(hint.detail.cred_ex_record.connection_id)
                offer = await self._view(hint.detail, label, None)
            else:
                offer = await self.get(cred_ex_id)
        except OfferNotFound:
            self._awaiting.discard(cred_ex_id)
            return None
        if offer.state == "pending" and self._auto_accepts(offer):
            try:
                return await self.accept(cred_ex_id, auto=True)
            except (OfferNotPending, OfferUnsupported, OfferExchangeFailed) as error:
                LOGGER.warning("auto-accept of offer %s failed: %s", cred_ex_id, error)
        return await self._announce(offer)

    async def finish_store(self, cred_ex_id: str) -> CredentialOffer | None:
        """Have ACA-Py finish a store a crash cut off (it stores once, or finds the copy the
        cut-off store wrote); a failure is noted with its reason. None while ACA-Py is still
        on it (`busy`): asked again at the next deadline check."""
        min_idle = resume_min_idle(self._settings.exchange_timeout)
        async with self._locks[cred_ex_id]:
            result = await self._client.finish_credential_store(cred_ex_id, min_idle)
            if result.outcome == "busy":
                return None
            if result.outcome in ("stored", "recovered"):
                LOGGER.info("offer %s: interrupted store finished (%s)", cred_ex_id, result.outcome)
            if result.outcome == "failed":
                reason = await store_failure(self._client, cred_ex_id, result.error)
                await self._notes.update(cred_ex_id, failed(reason, datetime.now(UTC)))
            return await self._announce(await self.get(cred_ex_id))

    async def finish_interrupted_stores(self) -> list[CredentialOffer]:
        """At start-up and after ACA-Py restarts: every credential that arrived and was not
        stored, also one marked failed before (a failed store is tried once more)."""
        finished = []
        for record in await self._client.list_credential_exchanges(
            state="credential-received", role="holder"
        ):
            offer = await self._try_finish_store(record.cred_ex_id)
            if offer is not None:
                finished.append(offer)
        return finished

    async def _try_finish_store(self, cred_ex_id: str) -> CredentialOffer | None:
        """`finish_store`, with a refusal logged: the deadline still applies then."""
        try:
            return await self.finish_store(cred_ex_id)
        except (AdminApiError, OfferNotFound) as error:
            LOGGER.warning("offer %s: store not resumed: %s", cred_ex_id, error)
            return None

    async def mark_overdue(self) -> list[CredentialOffer]:
        """Finish stores that stand still; mark exchanges that waited past `exchange_timeout`
        (or whose store failed) as failed, in our notes only."""
        timeout = self._settings.exchange_timeout
        overdue: list[CredentialOffer] = []
        now = datetime.now(UTC)
        for state in WAITING_STATES:
            for record in await self._client.list_credential_exchanges(state=state, role="holder"):
                note = await self._notes.get(record.cred_ex_id)
                if store_resume_due(record, note, now, timeout):
                    resumed = await self._try_finish_store(record.cred_ex_id)
                    if resumed is not None and resumed.state == "failed":
                        overdue.append(resumed)
                    if resumed is not None or not overdue_reason(record, note, now, timeout):
                        continue
                reason = overdue_reason(record, note, now, timeout)
                if reason is None:
                    continue
                if record.state == "credential-received" and not record.error_msg:
                    reason = await why_unstorable(self._client, record) or reason
                await self._notes.update(record.cred_ex_id, failed(reason, now))
                LOGGER.info("offer %s failed: no answer in time", record.cred_ex_id)
                overdue.append(await self._announce(await self.get(record.cred_ex_id)))
        return overdue

    async def _refused(self, cred_ex_id: str, error: AdminApiError) -> str:
        """Show a refused request as failed, with the clearest reason to be had.

        ACA-Py records some refusals (`abandoned` with `error_msg`), but an unexpected error
        (e.g. an issuer DID it cannot resolve) answers a bare 500 and leaves the record at
        `offer-received`, which must not look pending any more.
        """
        offer = await self.get(cred_ex_id)
        reason = f"the credential could not be requested: {error}"
        if offer.format == "anoncreds" and (error.status or 0) >= 500 and offer.schema_id:
            reason = await resolution_problem(self._client, offer.schema_id) or reason
        if offer.state == "pending" and error.status is not None:
            await self._notes.update(cred_ex_id, failed(reason, datetime.now(UTC)))
            offer = await self.get(cred_ex_id)
        await self._announce(offer)
        return offer.failure or reason

    @property
    def exchange_timeout(self) -> float:
        return self._settings.exchange_timeout

    def _auto_accepts(self, offer: CredentialOffer) -> bool:
        return bool(offer.issuer_did) and offer.issuer_did in self._settings.auto_accept_issuers

    async def _announce(self, offer: CredentialOffer) -> CredentialOffer:
        """Publish `offer_received` for a new pending offer, `offer_updated` on each change."""
        if self._announced.get(offer.id) != offer.state:
            first = offer.id not in self._announced and offer.state == "pending"
            self._announced[offer.id] = offer.state
            topic = "offer_received" if first else "offer_updated"
            payload = offer.model_dump(mode="json") | {"offer_id": offer.id}
            self._bus.publish(AgentEvent(topic=topic, payload=payload, source="wallet"))
        return offer

    async def _pending(self, cred_ex_id: str, action: Literal["accept", "decline"]):
        offer = await self.get(cred_ex_id)
        if offer.state != "pending":
            raise OfferNotPending(f"cannot {action} offer {cred_ex_id}: it is {offer.state}")
        return offer

    async def _holder_did(self, offer: CredentialOffer) -> str | None:
        if offer.format == "anoncreds":
            return None
        if offer.format != "ld_proof":
            raise OfferUnsupported(
                f"offer {offer.id} uses a credential format this wallet cannot store"
            )
        try:
            return await subject_for_request(self._client, offer, self._issuer_binds)
        except HolderDidError as error:
            raise OfferUnsupported(str(error)) from None

    async def _detail(self, cred_ex_id: str) -> CredentialExchangeDetail:
        try:
            detail = await self._client.credential_exchange(cred_ex_id)
        except AdminApiError as error:
            if error.status in (404, 422):  # ACA-Py answers 422 for ids that are no UUID
                raise OfferNotFound(f"no credential offer with id {cred_ex_id}") from None
            raise
        if detail.cred_ex_record.role not in (None, "holder"):
            raise OfferNotFound(f"no credential offer with id {cred_ex_id}")
        self._known.keep(detail)
        return detail

    async def _view(
        self,
        detail: CredentialExchangeDetail,
        label: str | None,
        notes: dict[str, OfferNote] | None,
    ) -> CredentialOffer:
        cred_ex_id = detail.cred_ex_record.cred_ex_id
        note = notes.get(cred_ex_id) if notes is not None else await self._notes.get(cred_ex_id)
        offer_format, body = offer_body(detail.cred_ex_record)
        schema_id = body.get("schema_id") if offer_format == "anoncreds" else None
        view = offer_view(detail, label, note, await self._schema_name(schema_id))
        self._note_awaiting(view)
        return view

    def _note_awaiting(self, view: CredentialOffer) -> None:
        if view.state == "accepted" and view.exchange_state in WAITING_STATES:
            if view.id not in self._awaiting:
                self._awaiting.add(view.id)
                self._awaiting_changed.set()
        else:
            self._awaiting.discard(view.id)

    async def _schema_name(self, schema_id: str | None) -> str | None:
        """The AnonCreds schema's name, resolved once (did:web ids do not carry it)."""
        if not schema_id:
            return None
        if schema_id not in self._schema_names:
            try:
                body = await self._client.anoncreds_schema(schema_id)
                self._schema_names[schema_id] = (body.get("schema") or {}).get("name")
            except AdminApiError as error:
                LOGGER.info("schema %s not resolved: %s", schema_id, error)
                return None
        return self._schema_names[schema_id]
