"""Recognise a message ACA-Py has already handled, from the exchange record it left.

A sender retries when it got no 2xx, also when the learner's agent handled the message but
died before answering. ACA-Py's handlers would take such a message again: a second
`issue-credential` resets a finished exchange to `credential-received` and stores a second
copy; a second offer or proof request resets an answered exchange. The record of the
thread says whether the message was taken: each of these messages is expected in exactly
one state (no record yet, or the state our own proposal left), and its handling moves the
record out of it in one save.
"""

from __future__ import annotations

from dataclasses import dataclass

from acapy_agent.connections.base_manager import BaseConnectionManager
from acapy_agent.core.profile import Profile
from acapy_agent.messaging.models.base_record import BaseRecord
from acapy_agent.protocols.issue_credential.v2_0.models.cred_ex_record import V20CredExRecord
from acapy_agent.protocols.present_proof.v2_0.models.pres_exchange import V20PresExRecord
from acapy_agent.transport.inbound.message import InboundMessage


@dataclass(frozen=True)
class Expectation:
    """Where a message of one type may be taken: the record kind, our role, the states."""

    record: type[BaseRecord]
    role: str
    # States in which the message is still expected; None stands for "no record yet".
    expected: frozenset[str | None]


EXPECTATIONS = {
    "issue-credential/2.0/issue-credential": Expectation(
        V20CredExRecord, V20CredExRecord.ROLE_HOLDER, frozenset({"request-sent"})
    ),
    "issue-credential/2.0/offer-credential": Expectation(
        V20CredExRecord, V20CredExRecord.ROLE_HOLDER, frozenset({None, "proposal-sent"})
    ),
    "present-proof/2.0/request-presentation": Expectation(
        V20PresExRecord, V20PresExRecord.ROLE_PROVER, frozenset({None, "proposal-sent"})
    ),
}


def expectation_for(message_type: object) -> Expectation | None:
    """The rule for a message type (any prefix: https://didcomm.org/ or did:sov:...;spec/)."""
    if not isinstance(message_type, str):
        return None
    for suffix, expectation in EXPECTATIONS.items():
        if message_type.endswith("/" + suffix) or message_type.endswith(";spec/" + suffix):
            return expectation
    return None


def thread_of(inbound: InboundMessage) -> str | None:
    """The message's thread: `~thread.thid`, else its own `@id` (ACA-Py's receipt has it)."""
    return inbound.receipt.thread_id or None


async def already_handled(profile: Profile, inbound: InboundMessage) -> bool:
    """True when the thread's record has moved past the state this message is taken in."""
    payload = inbound.payload if isinstance(inbound.payload, dict) else {}
    expectation = expectation_for(payload.get("@type"))
    thread_id = thread_of(inbound)
    if expectation is None or thread_id is None:
        return False
    connection = await BaseConnectionManager(profile).find_inbound_connection(inbound.receipt)
    connection_id = connection.connection_id if connection else None
    async with profile.session() as session:
        records = await expectation.record.query(
            session,
            {"thread_id": thread_id},
            post_filter_positive={"role": expectation.role},
        )
    states = [
        getattr(record, "state", None)
        for record in records
        if getattr(record, "connection_id", None) == connection_id
    ]
    if not states:  # new thread, or one ACA-Py itself will refuse: let it decide
        return False
    return all(state not in expectation.expected for state in states)
