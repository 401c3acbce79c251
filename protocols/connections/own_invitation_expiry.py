"""Which of the learner's own invitations still count, and deleting the ones that do not.

ACA-Py's records are the truth: an invitation we made is a connection record in state
`invitation` whose `their_role` is `invitee`, until someone answers it (a single-use one
then becomes that peer's connection, and ACA-Py deletes its out-of-band record itself).
ACA-Py knows no expiry, so the wallet deletes an invitation once `invitation_lifetime` has
passed since ACA-Py made it: a late answer then finds no invitation and is refused.
Multi-use invitations (made by older versions, one per page view) are deleted too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import ConnectionRecord
from agent.events import AgentEvent

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

LOGGER = logging.getLogger(__name__)
WAITING_STATE = "invitation"
OWN_ROLES = frozenset({"invitee", "requester"})  # their role on an invitation we made
SINGLE_USE = "once"
MAX_LISTED = 10_000  # ACA-Py's largest page; one list call finds every invitation of ours
RETRY_SECONDS = 60.0  # after ACA-Py did not answer, tidy again this much later
EXPIRY_SLACK = 0.25  # wake just after an expiry, not a hair before it


def is_own_unanswered(record: ConnectionRecord | dict[str, Any]) -> bool:
    """An invitation we made that nobody has answered yet: not a connection to show."""
    if isinstance(record, dict):
        state, role = record.get("state"), record.get("their_role")
    else:
        state, role = record.state, record.their_role
    return state == WAITING_STATE and role in OWN_ROLES


def made_at(record: ConnectionRecord) -> datetime | None:
    """When ACA-Py made the record (UTC), or None when it does not say."""
    try:
        moment = datetime.fromisoformat(record.created_at or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def expires_at(record: ConnectionRecord, lifetime: float) -> datetime | None:
    made = made_at(record)
    return made + timedelta(seconds=lifetime) if made else None


def is_usable(record: ConnectionRecord, lifetime: float, now: datetime) -> bool:
    """Single-use, unanswered and not expired: the learner may still hand it out."""
    expiry = expires_at(record, lifetime)
    return (
        is_own_unanswered(record)
        and record.invitation_mode in (None, SINGLE_USE)
        and expiry is not None
        and now < expiry
    )


async def own_unanswered_invitations(client: AdminClient) -> list[ConnectionRecord]:
    """Every invitation of ours nobody answered yet, in one admin call (tag-indexed)."""
    records = await client.list_connections(
        state=WAITING_STATE, their_role="invitee", limit=MAX_LISTED
    )
    return [record for record in records if is_own_unanswered(record)]


async def discard(client: AdminClient, record: ConnectionRecord) -> None:
    """Delete one invitation of ours (its connection and out-of-band records).

    Deleting by invitation id takes every connection record naming it: right for a
    single-use one (its only record is this one), wrong for a multi-use one that someone
    answered (their connections name it too): then only the waiting record goes.
    """
    invitation_id = record.invitation_msg_id
    try:
        if invitation_id and await _only_record(client, record, invitation_id):
            await client.delete_oob_invitation(invitation_id)
        else:
            await client.delete_connection(record.connection_id)
    except AdminApiError as error:
        if error.status != 404:  # already gone: someone else tidied first
            raise


async def _only_record(client: AdminClient, record: ConnectionRecord, invitation_id: str) -> bool:
    """True when no connection was made from this invitation (always, for a single-use one)."""
    if record.invitation_mode in (None, SINGLE_USE):
        return True
    named = await client.list_connections(invitation_msg_id=invitation_id)
    return all(other.connection_id == record.connection_id for other in named)


@dataclass(frozen=True)
class Tidied:
    """The usable invitations (newest first) and how many were deleted."""

    usable: list[ConnectionRecord]
    discarded: int


async def tidy_own_invitations(
    client: AdminClient, lifetime: float, now: datetime | None = None
) -> Tidied:
    """Delete our expired and multi-use invitations; one list call when none are."""
    now = now or datetime.now(UTC)
    usable: list[ConnectionRecord] = []
    discarded = 0
    for record in await own_unanswered_invitations(client):
        if is_usable(record, lifetime, now):
            usable.append(record)
        else:
            await discard(client, record)
            discarded += 1
    usable.sort(key=lambda r: made_at(r) or now, reverse=True)
    return Tidied(usable, discarded)


async def own_invitations_flow(services: WalletServices) -> None:
    """Delete the learner's invitations as they expire; at start, whatever has expired.

    Sleeps until the next expiry; the webhook of a new invitation of ours wakes it to look
    again. The first tidy runs before subscribing: deleting what older versions left can be
    thousands of records, each with its webhook, which would overflow the queue.
    Reconciliation's replays are skipped: the first tidy has seen those records.
    """
    client, lifetime = services.client, services.settings.invitation_lifetime
    wait, discarded = await _tidy_for_next_wait(client, lifetime)
    async with services.bus.subscribe() as queue:
        if discarded:  # that took a while: an invitation may have been made meanwhile
            wait, _ = await _tidy_for_next_wait(client, lifetime)
        while True:
            await _until_new_invitation(queue, wait)
            wait, _ = await _tidy_for_next_wait(client, lifetime)


async def _tidy_for_next_wait(client: AdminClient, lifetime: float) -> tuple[float | None, int]:
    """Seconds until the next expiry (None: no invitation is waiting), and how many went."""
    try:
        tidied = await tidy_own_invitations(client, lifetime)
    except AdminApiError as error:
        LOGGER.warning("could not tidy the learner's invitations: %s", error)
        return RETRY_SECONDS, 0
    expiries = [e for e in (expires_at(r, lifetime) for r in tidied.usable) if e is not None]
    if not expiries:
        return None, tidied.discarded
    left = (min(expiries) - datetime.now(UTC)).total_seconds()
    return max(0.0, left) + EXPIRY_SLACK, tidied.discarded


async def _until_new_invitation(queue: asyncio.Queue[AgentEvent], wait: float | None) -> None:
    """Until `wait` seconds have passed or the webhook of a new invitation of ours arrives."""
    loop = asyncio.get_running_loop()
    deadline = None if wait is None else loop.time() + wait
    while True:
        timeout = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            event = await asyncio.wait_for(queue.get(), timeout)
        except TimeoutError:
            return
        if _is_new_own_invitation(event):
            while not queue.empty():  # one look covers a burst of them
                queue.get_nowait()
            return


def _is_new_own_invitation(event: AgentEvent) -> bool:
    return (
        event.topic == "connections"
        and event.source != "reconcile"
        and is_own_unanswered(event.payload)
    )
