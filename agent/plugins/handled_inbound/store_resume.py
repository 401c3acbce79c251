"""Finish a credential store that a crash cut off, exactly once.

Safe against a second store because (1) it runs under the thread's lock, which inbound
handling (and so ACA-Py's auto-store) holds for the whole handling; (2) it re-reads the
record under that lock and acts only at `credential-received`; (3) it acts only on records
that are not moving: last changed before this agent process started (their auto-store died
with the old process) or idle for `min_idle` seconds (for inbound paths that do not take
the lock); (4) a copy the cut-off store already wrote is kept, not stored again
(`stored_copy.py`). The result is what ACA-Py's auto-store would have left: the credential
stored once, the exchange `done`, the issuer acknowledged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from acapy_agent.anoncreds.holder import AnonCredsHolderError
from acapy_agent.core.profile import Profile
from acapy_agent.indy.holder import IndyHolderError
from acapy_agent.messaging.models.base import BaseModelError
from acapy_agent.messaging.util import str_to_datetime
from acapy_agent.protocols.issue_credential.v2_0 import problem_report_for_record
from acapy_agent.protocols.issue_credential.v2_0.manager import (
    V20CredManager,
    V20CredManagerError,
)
from acapy_agent.protocols.issue_credential.v2_0.messages.cred_format import V20CredFormat
from acapy_agent.protocols.issue_credential.v2_0.messages.cred_problem_report import (
    ProblemReportReason,
)
from acapy_agent.protocols.issue_credential.v2_0.models.cred_ex_record import V20CredExRecord
from acapy_agent.protocols.issue_credential.v2_0.models.detail.anoncreds import (
    V20CredExRecordAnonCreds,
)
from acapy_agent.protocols.issue_credential.v2_0.models.detail.ld_proof import (
    V20CredExRecordLDProof,
)
from acapy_agent.storage.error import StorageError

from .stored_copy import ANONCREDS_FORMATS, issued_format, stored_copy
from .thread_locks import THREAD_LOCKS

LOGGER = logging.getLogger(__name__)
# Module import happens while the agent starts, before any inbound message is taken.
PROCESS_STARTED = datetime.now(UTC)
Outcome = Literal["stored", "recovered", "not-needed", "busy", "failed"]
SendReport = Callable[[Any, str | None], Awaitable[None]]


@dataclass(frozen=True)
class StoreResume:
    """What the resume did: `stored` now, `recovered` the copy a cut-off store wrote,
    `not-needed` (not at credential-received), `busy` (being handled or moved recently:
    ask again later), `failed` (with ACA-Py's reason)."""

    outcome: Outcome
    state: str | None
    credential_id: str | None = None
    error: str | None = None

    def serialize(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "state": self.state,
            "credential_id": self.credential_id,
            "error": self.error,
        }


def standing_still(updated_at: str | None, now: datetime, min_idle: float) -> bool:
    """Nobody can be storing it: changed before this process started, or long enough ago."""
    if not updated_at:
        return True
    updated = str_to_datetime(updated_at)
    return updated < PROCESS_STARTED or now - updated >= timedelta(seconds=min_idle)


async def finish_store(
    profile: Profile, cred_ex_id: str, min_idle: float, send_report: SendReport
) -> StoreResume:
    """Store (or recover) the credential of a holder exchange left at credential-received."""
    async with profile.session() as session:
        record = await V20CredExRecord.retrieve_by_id(session, cred_ex_id)
    if record.role != V20CredExRecord.ROLE_HOLDER:
        return StoreResume("not-needed", record.state, error="not a holder exchange")
    if record.state != V20CredExRecord.STATE_CREDENTIAL_RECEIVED:
        return StoreResume("not-needed", record.state)
    thread_id = record.thread_id or cred_ex_id
    if THREAD_LOCKS.busy(thread_id):
        return StoreResume("busy", record.state)
    async with THREAD_LOCKS.hold(thread_id):
        async with profile.session() as session:
            record = await V20CredExRecord.retrieve_by_id(session, cred_ex_id)
        if record.state != V20CredExRecord.STATE_CREDENTIAL_RECEIVED:
            return StoreResume("not-needed", record.state)
        if not standing_still(record.updated_at, datetime.now(UTC), min_idle):
            return StoreResume("busy", record.state)
        return await _finish(profile, record, send_report)


async def _finish(
    profile: Profile, record: V20CredExRecord, send_report: SendReport
) -> StoreResume:
    manager = V20CredManager(profile)
    copy_id = await stored_copy(profile, record)
    if copy_id is not None:
        await _name_copy(profile, record, copy_id)
        outcome: Outcome = "recovered"
    else:
        failure = await _store(profile, manager, record, send_report)
        if failure is not None:
            return failure
        outcome = "stored"
        copy_id = await stored_copy(profile, record)
    record, _ = await manager.send_cred_ack(record)
    LOGGER.info("finished the interrupted store of %s: %s", record.cred_ex_id, outcome)
    return StoreResume(outcome, record.state, credential_id=copy_id)


async def _store(
    profile: Profile, manager: V20CredManager, record: V20CredExRecord, send_report: SendReport
) -> StoreResume | None:
    """ACA-Py's store, with its auto-store's handling of failures; None when stored."""
    try:
        await manager.store_credential(record)
    except StorageError as error:  # as auto-store: left at credential-received, retryable
        record.error_msg = error.roll_up
        async with profile.session() as session:
            await record.save(session, reason=error.roll_up)
        return StoreResume("failed", record.state, error=error.roll_up)
    except (BaseModelError, AnonCredsHolderError, IndyHolderError, V20CredManagerError) as error:
        async with profile.session() as session:  # as auto-store: abandoned, issuer told
            await record.save_error_state(session, reason=error.roll_up)
        await send_report(
            problem_report_for_record(record, ProblemReportReason.ISSUANCE_ABANDONED.value),
            record.connection_id,
        )
        return StoreResume("failed", record.state, error=error.roll_up)
    except Exception as error:  # e.g. a W3C credential the agent cannot verify
        LOGGER.warning("store of %s failed: %s", record.cred_ex_id, error)
        return StoreResume("failed", record.state, error=str(error) or type(error).__name__)
    return None


async def _name_copy(profile: Profile, record: V20CredExRecord, copy_id: str) -> None:
    """Make the format detail name the recovered copy, as a finished store leaves it."""
    fmt = issued_format(record)
    async with profile.session() as session:
        if fmt in ANONCREDS_FORMATS:
            details = await V20CredExRecordAnonCreds.query_by_cred_ex_id(session, record.cred_ex_id)
            for detail in details:
                if detail.cred_id_stored != copy_id:
                    detail.cred_id_stored = copy_id
                    await detail.save(session, reason="recovered stored credential", event=True)
        elif fmt is V20CredFormat.Format.LD_PROOF:
            details = await V20CredExRecordLDProof.query_by_cred_ex_id(session, record.cred_ex_id)
            if not any(detail.cred_id_stored == copy_id for detail in details):
                detail = V20CredExRecordLDProof(
                    cred_ex_id=record.cred_ex_id, cred_id_stored=copy_id
                )
                await detail.save(session, reason="recovered stored credential", event=True)
