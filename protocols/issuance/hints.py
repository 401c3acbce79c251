"""What an issue-credential webhook says on its own, so the inbox reads ACA-Py only when needed.

ACA-Py's exchange webhooks carry the state, times and error but not the offer body; its
format-detail webhooks (`..._anoncreds`, `..._ld_proof`) carry the stored credential's id.
With the last record the inbox read kept here, a webhook that only moves the exchange
forward (`request-sent`, `credential-received`, `done` once the stored id is known) is
applied to that record instead of reading it again: each read is a round trip the holder's
ACA-Py serves while it is still running the protocol. Anything else (no record kept, a
failure, an unknown state, reconciliation at start-up) is a read, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from agent.admin_models import CredentialExchangeDetail
from agent.events import AgentEvent

EXCHANGE_TOPIC = "issue_credential_v2_0"
DETAIL_TOPICS = {
    "issue_credential_v2_0_anoncreds": "anoncreds",
    "issue_credential_v2_0_ld_proof": "ld_proof",
}
# The holder's states in the order ACA-Py moves through them.
PROGRESS = {"offer-received": 1, "request-sent": 2, "credential-received": 3, "done": 4}
ENDED = {"done", "abandoned", "credential-revoked", "deleted"}
MAX_KEPT = 1000


@dataclass(frozen=True)
class Hint:
    """`read`: ask ACA-Py; `nothing`: nothing the learner sees changed; `changed`: `detail`."""

    kind: Literal["read", "nothing", "changed"]
    detail: CredentialExchangeDetail | None = None


READ = Hint("read")
NOTHING = Hint("nothing")


class KnownExchanges:
    """The last record read (or learned from webhooks) of each exchange still open."""

    def __init__(self) -> None:
        self._details: dict[str, CredentialExchangeDetail] = {}

    def keep(self, detail: CredentialExchangeDetail) -> None:
        cred_ex_id = detail.cred_ex_record.cred_ex_id
        self._details.pop(cred_ex_id, None)
        if detail.cred_ex_record.state in ENDED:
            return
        if len(self._details) >= MAX_KEPT:
            self._details.pop(next(iter(self._details)))  # the longest kept
        self._details[cred_ex_id] = detail

    def pending(self, cred_ex_id: str) -> CredentialExchangeDetail | None:
        """The kept record if it is still an open offer (ACA-Py refuses stale accepts)."""
        detail = self._details.get(cred_ex_id)
        if detail is None or detail.cred_ex_record.state != "offer-received":
            return None
        return detail

    def learn(self, event: AgentEvent) -> Hint:
        cred_ex_id = event.payload.get("cred_ex_id")
        if event.source != "webhook" or not isinstance(cred_ex_id, str):
            return READ
        known = self._details.get(cred_ex_id)
        if event.topic in DETAIL_TOPICS:
            stored = event.payload.get("cred_id_stored")
            if known is not None and isinstance(stored, str) and stored:
                self.keep(with_stored_id(known, DETAIL_TOPICS[event.topic], stored))
            return NOTHING  # the exchange's own webhooks say when its state moves
        if event.topic != EXCHANGE_TOPIC or known is None:
            return READ
        return _moved(known, event.payload)


def with_stored_id(
    detail: CredentialExchangeDetail, kind: str, stored: str
) -> CredentialExchangeDetail:
    current: dict[str, Any] = getattr(detail, kind) or {}
    return detail.model_copy(update={kind: {**current, "cred_id_stored": stored}})


def _moved(known: CredentialExchangeDetail, payload: dict[str, Any]) -> Hint:
    record = known.cred_ex_record
    state, error = payload.get("state"), payload.get("error_msg")
    if payload.get("role", "holder") != "holder":
        return READ
    if state == record.state and error == record.error_msg:
        return NOTHING
    now, before = PROGRESS.get(str(state)), PROGRESS.get(record.state or "")
    if now is None or before is None or error:
        return READ
    if now < before:
        return NOTHING  # a late webhook about a step already seen
    update = {"state": state, "updated_at": payload.get("updated_at") or record.updated_at}
    moved = known.model_copy(update={"cred_ex_record": record.model_copy(update=update)})
    if state == "done" and moved.stored_credential_id is None:
        return READ  # the stored credential's id is only in the record
    return Hint("changed", moved)
