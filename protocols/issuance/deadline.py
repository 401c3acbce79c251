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
# Storing is the agent's own local work (verify, write): it never needs the issuer's
# patience, so a credential stuck at `credential-received` fails sooner.
STORE_TIMEOUT = 15.0


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
    """Why the exchange counts as failed now, or None while it may still finish."""
    if record.state not in WAITING_STATES or (note is not None and note.failure):
        return None
    if record.state == "credential-received":
        timeout = min(timeout, STORE_TIMEOUT)
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


def next_check_in(timeout: float) -> float:
    """How often to look for overdue exchanges: often enough to fail within ~20 % late."""
    return max(0.25, min(timeout / 5, 5.0))
