"""When an accepted exchange has waited too long for the issuer (pure functions).

ACA-Py waits forever after `request-sent`; the learner must instead see a failure with a
reason once `exchange_timeout` seconds have passed since the exchange last moved.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agent.admin_models import CredentialExchangeRecord
from protocols.issuance.models import OfferNote
from protocols.issuance.offer_view import parse_time

# Holder states in which the wallet waits for the issuer (or for its own store to finish).
WAITING_STATES = ("request-sent", "credential-received")
# Storing is the agent's own local work (verify, write), well under a second. A credential
# that stands at `credential-received` this long was cut off (a crash) or failed: the
# wallet then finishes the store itself (store_resume.py) instead of giving up on it.
STORE_RESUME_AFTER = 5.0


def waiting_since(record: CredentialExchangeRecord, note: OfferNote | None) -> datetime | None:
    """The later of ACA-Py's last change and our own acceptance."""
    moments = [parse_time(record.updated_at), note.decided_at if note else None]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def overdue_reason(
    record: CredentialExchangeRecord,
    note: OfferNote | None,
    now: datetime,
    timeout: float,
) -> str | None:
    """Why the exchange counts as failed now, or None while it may still finish.

    A received credential gets the whole timeout too: the store is resumed well before it
    (`store_resume_due`), and only a store that never got its turn fails here.
    """
    if record.state not in WAITING_STATES or (note is not None and note.failure):
        return None
    since = waiting_since(record, note)
    if since is None or now - since < timedelta(seconds=timeout):
        return None
    if record.state == "request-sent":
        return (
            f"the issuer did not send the credential within {timeout:g} s of the request; "
            "ask the issuer to offer it again"
        )
    detail = f": {record.error_msg}" if record.error_msg else ""
    return f"the credential arrived but could not be stored within {timeout:g} s{detail}"


def resume_min_idle(timeout: float) -> float:
    """How long a received credential must stand still before the wallet finishes its store."""
    return min(timeout, STORE_RESUME_AFTER)


def store_resume_due(
    record: CredentialExchangeRecord, note: OfferNote | None, now: datetime, timeout: float
) -> bool:
    """A credential arrived, ACA-Py's own store has had its time, and nothing failed yet."""
    if record.state != "credential-received" or (note is not None and note.failure):
        return False
    since = waiting_since(record, note)
    return since is None or now - since >= timedelta(seconds=resume_min_idle(timeout))


def next_check_in(timeout: float) -> float:
    """How often to look for overdue exchanges: often enough to fail within ~20 % late."""
    return max(0.25, min(timeout / 5, 5.0))
