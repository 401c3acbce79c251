"""The background flow that keeps the credential index in step with ACA-Py.

It reconciles ids at start-up, indexes each credential an issuance stores, marks
credentials revoked when an issuer's notice arrives, and now and then asks the status lists.
Webhooks are hints: every action re-reads ACA-Py before it changes the index.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from agent.admin_client import AdminApiError, AdminClient
from agent.connection_cache import ConnectionCache
from agent.events import AgentEvent, EventBus
from wallet.controller_store import ControllerStore
from wallet.credentials.index import CredentialIndex
from wallet.credentials.release import release_memory
from wallet.credentials.source import stored_id_of
from wallet.credentials.stored import StoredCredentials

LOGGER = logging.getLogger(__name__)
ISSUE_TOPIC = "issue_credential_v2_0"
# ACA-Py's format-detail webhooks name the credential an exchange stored (`cred_id_stored`).
STORED_ID_TOPICS = {
    "issue_credential_v2_0_anoncreds": "anoncreds",
    "issue_credential_v2_0_ld_proof": "w3c",
}
# With --auto-store-credential the holder's record reaches `done` only once the credential
# is stored, so that one state indexes it (`credential-received` would read it twice).
STORED_STATES = {"done"}
# ACA-Py's webhook topics for RFC 0183 (v1) and RFC 0721 (v2) revocation notices.
NOTICE_TOPICS = {"revocation-notification", "revocation-notification-v2"}
STATUS_CHECK_SECONDS = 3600.0
# A full collection right after a start takes 50-100 ms (nothing is frozen yet, see
# ui/runtime.py) and would hold up the first page: worth it only after a real peak.
RELEASE_AFTER = 500


class CredentialServices(Protocol):
    """The part of the wallet's shared services this flow uses (see protocols/)."""

    client: AdminClient
    bus: EventBus
    store: ControllerStore | None
    credentials: StoredCredentials | None


def stored_credentials(services: CredentialServices) -> StoredCredentials:
    """The one StoredCredentials of a running wallet, made on first use."""
    if services.credentials is None:
        if services.store is None:
            raise RuntimeError("the controller store is not open")
        connections = getattr(services, "connections", None)
        if connections is None:
            connections = ConnectionCache(services.client)
            if hasattr(services, "connections"):
                services.connections = connections
        index = CredentialIndex(services.store.store)
        services.credentials = StoredCredentials(services.client, index, services.bus, connections)
    return services.credentials


@dataclass(frozen=True)
class RevocationNotice:
    rev_reg_id: str | None
    cred_rev_id: str | None
    thread_id: str | None = None
    comment: str | None = None


def parse_notice(topic: str, payload: dict[str, Any]) -> RevocationNotice:
    """v2 names `<rev_reg_id>::<cred_rev_id>`; v1 a thread id, by default `indy::` + that."""
    comment = payload.get("comment")
    comment = str(comment) if comment else None
    if topic == "revocation-notification-v2":
        reference = str(payload.get("credential_id") or "")
    else:
        reference = str(payload.get("thread_id") or "").removeprefix("indy::")
    rev_reg_id, separator, cred_rev_id = reference.rpartition("::")
    if separator and rev_reg_id and cred_rev_id.isdigit():
        return RevocationNotice(rev_reg_id, cred_rev_id, comment=comment)
    return RevocationNotice(None, None, thread_id=reference or None, comment=comment)


async def credentials_flow(services: CredentialServices) -> None:
    """Runs until cancelled; a failure on one event is logged and the next one handled."""
    credentials = stored_credentials(services)
    in_step = credentials.in_step
    async with services.bus.subscribe() as queue:
        in_step.follow(queue)
        reconciled = await _reconcile(credentials)
        await _warm(credentials)
        next_check = time.monotonic() + STATUS_CHECK_SECONDS
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), max(next_check - time.monotonic(), 0))
            except TimeoutError:
                reconciled = reconciled or await _reconcile(credentials)
                await _check_status_lists(credentials)
                next_check = time.monotonic() + STATUS_CHECK_SECONDS
                continue
            in_step.handling()
            try:
                await handle_event(credentials, services.client, event)
            except AdminApiError as error:
                LOGGER.warning("credential index not updated for %s: %s", event.topic, error)
                in_step.lagging(f"{event.topic} not handled")
            except Exception as error:  # one bad event must not stop the flow
                LOGGER.error("credential index: %s on %s", type(error).__name__, event.topic)
                in_step.lagging(f"{event.topic} not handled")
            finally:
                in_step.handled()


async def handle_event(
    credentials: StoredCredentials, client: AdminClient, event: AgentEvent
) -> None:
    if event.topic in STORED_ID_TOPICS and event.source == "webhook":
        cred_ex_id, stored = event.payload.get("cred_ex_id"), event.payload.get("cred_id_stored")
        if isinstance(cred_ex_id, str) and isinstance(stored, str) and stored:
            credentials.note_stored(cred_ex_id, f"{STORED_ID_TOPICS[event.topic]}:{stored}")
    elif event.topic == ISSUE_TOPIC and event.payload.get("state") in STORED_STATES:
        cred_ex_id = event.payload.get("cred_ex_id")
        if isinstance(cred_ex_id, str) and event.payload.get("role", "holder") == "holder":
            hint = event.payload if event.source == "webhook" else None
            await credentials.record_issued(cred_ex_id, hint)
    elif event.topic in NOTICE_TOPICS:
        notice = parse_notice(event.topic, event.payload)
        if notice.rev_reg_id is None and notice.thread_id:
            notice = await _notice_by_thread(credentials, client, notice)
        if notice.rev_reg_id and notice.cred_rev_id:
            await credentials.mark_revoked(
                notice.rev_reg_id, notice.cred_rev_id, "notification", notice.comment
            )


async def _notice_by_thread(
    credentials: StoredCredentials, client: AdminClient, notice: RevocationNotice
) -> RevocationNotice:
    """An issuer may name the issuance thread instead: find which credential it stored."""
    assert notice.thread_id is not None
    for detail in await client.list_credential_exchange_details(thread_id=notice.thread_id):
        key = stored_id_of(detail)
        known = await credentials.index.get(key) if key else None
        if known is not None and known.rev_reg_id:
            return RevocationNotice(known.rev_reg_id, known.cred_rev_id, comment=notice.comment)
    return notice


async def _reconcile(credentials: StoredCredentials) -> bool:
    try:
        report = await credentials.reconcile()
    except AdminApiError as error:
        LOGGER.warning("credential index not reconciled yet: %s", error)
        return False
    LOGGER.info(
        "credential index: %d added, %d removed, %d unchanged",
        report.added,
        report.removed,
        report.unchanged,
    )
    if report.added + report.unchanged >= RELEASE_AFTER:
        release_memory()  # every stored credential streamed past: give the peak back
    return True


async def _warm(credentials: StoredCredentials) -> None:
    """Load the list order now, so the learner's first page does not wait for it."""
    try:
        await credentials.index.warm()
    except Exception as error:  # the first page loads it instead
        LOGGER.warning("credential order not loaded at start: %s", type(error).__name__)


async def _check_status_lists(credentials: StoredCredentials) -> None:
    try:
        revoked = await credentials.check_revocations()
    except AdminApiError as error:
        LOGGER.warning("status lists not checked: %s", error)
        return
    if revoked:
        LOGGER.info("%d credentials found revoked on their status lists", revoked)
