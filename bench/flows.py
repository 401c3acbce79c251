"""The four timed flows, each run the same way on the bare holder and on the wallet (and,
when the run includes it, on a second wallet that receives through a mediator in `pickup`
delivery: the same code as the wallet's side, only another holder).

Start and end are the same events for both sides: the holder's first call starts the clock
and a peer's webhook (pushed, not polled) stops it. Only "request arrived to prompt" differs
by nature: bare ACA-Py has no prompt, so its counterpart is the least a wallet must fetch
before it can ask anything (the record and the candidate credentials).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.holders import BareHolder, WalletHolder
from bench.hooks import HookBoard, state_is
from bench.peers import Peers
from bench.sse import EventStream
from demo.peers import SAMPLE_MICROCREDENTIAL, decode_invitation, invitation_msg_id

Side = Literal["bare", "wallet", "pickup"]
CredKind = Literal["anoncreds", "ed25519", "bbs"]
ProofKind = Literal["anoncreds predicate", "bbs selective", "ed25519"]
MICROCREDENTIAL = "https://learner-wallet.example/vocab/microcredential#MicroCredential"
COURSE = {
    "course_title": "Data Literacy Foundations",
    "provider": "Open Learning Institute",
    "score": "87",
    "completion_date": "2025-06-30",
    "learner_name": "Ada Lovelace",
}
ISSUE = "issue_credential_v2_0"
PRESENT = "present_proof_v2_0"
DEADLINE = 60.0


def ms_since(start: float, end: float) -> float:
    return (end - start) * 1000


@dataclass
class Stage:
    hooks: HookBoard
    peers: Peers
    bare: BareHolder
    wallet: WalletHolder
    events: EventStream
    issuer_conn: dict[str, str] = field(default_factory=dict)
    verifier_conn: dict[str, str] = field(default_factory=dict)
    bare_dids: dict[str, str] = field(default_factory=dict)
    breakdown: dict[str, list[float]] = field(default_factory=dict)  # where the time went
    pickup: WalletHolder | None = None  # the wallet in `pickup` delivery (bench/delivery.py)
    pickup_events: EventStream | None = None

    def note(self, name: str, value: float) -> None:
        self.breakdown.setdefault(name, []).append(value)

    @property
    def sides(self) -> tuple[Side, ...]:
        return ("bare", "wallet", "pickup") if self.pickup is not None else ("bare", "wallet")

    def holder(self, side: Side) -> WalletHolder:
        """The wallet of `side`: the direct one or the one in `pickup` delivery."""
        if side == "wallet":
            return self.wallet
        if side == "bare" or self.pickup is None:
            raise RuntimeError(f"no wallet on the {side} side of this run")
        return self.pickup

    def events_of(self, side: Side) -> EventStream:
        if side == "wallet":
            return self.events
        if side == "bare" or self.pickup_events is None:
            raise RuntimeError(f"no wallet events on the {side} side of this run")
        return self.pickup_events


async def connect(stage: Stage, side: Side, to: Literal["issuer", "verifier"]) -> float:
    """Invitation accepted -> the peer's connection active; remembers the peer's conn id."""
    peer = stage.peers.issuer if to == "issuer" else stage.peers.verifier
    url = await peer.create_invitation()
    msg_id, mark = invitation_msg_id(url), stage.hooks.mark()
    started = time.perf_counter()
    if side == "bare":
        body = decode_invitation(url)
        await stage.bare.call("POST", "/out-of-band/receive-invitation", body, auto_accept="true")
    else:
        await stage.holder(side).api("POST", "/api/connections", {"invitation": url})
    stage.note(f"{side}: accept-invitation call returned", ms_since(started, time.perf_counter()))
    hook = await stage.hooks.wait(
        to, "connections", state_is("active", invitation_msg_id=msg_id), after=mark
    )
    (stage.issuer_conn if to == "issuer" else stage.verifier_conn)[side] = hook.payload[
        "connection_id"
    ]
    return ms_since(started, hook.at)


async def offer(
    stage: Stage,
    connection_id: str,
    kind: CredKind,
    cred_def_id: str | None = None,
    **changes: Any,
) -> str:
    """The issuer offers; returns the exchange's thread id (both holders see the same).

    AnonCreds offers use the bench's credential definition unless `cred_def_id` names one.
    """
    issuer = stage.peers.issuer
    if kind == "anoncreds":
        preview = {
            "@type": "issue-credential/2.0/credential-preview",
            "attributes": [{"name": k, "value": str(v)} for k, v in {**COURSE, **changes}.items()],
        }
        body = {
            "connection_id": connection_id,
            "credential_preview": preview,
            "filter": {"anoncreds": {"cred_def_id": cred_def_id or stage.peers.cred_def_id}},
            "auto_remove": False,
        }
        record = await issuer.call("POST", "/issue-credential-2.0/send-offer", body)
        return str(record["thread_id"])
    cred_ex_id = await issuer.offer_ld_credential(connection_id, kind, SAMPLE_MICROCREDENTIAL)
    return str((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])


async def issue(stage: Stage, side: Side, kind: CredKind, cred_def_id: str | None = None) -> float:
    """Offer accepted -> credential stored (bare: ACA-Py's `done`; wallet: the offer `done`)."""
    if side != "bare":
        return await _wallet_issue(stage, side, kind, cred_def_id)
    mark = stage.hooks.mark()
    thread = await offer(stage, stage.issuer_conn[side], kind, cred_def_id)
    hook = await stage.hooks.wait(
        "bare", ISSUE, state_is("offer-received", thread_id=thread), after=mark
    )
    cred_ex_id = hook.payload["cred_ex_id"]
    body = {} if kind == "anoncreds" else {"holder_did": stage.bare_dids[kind]}
    started = time.perf_counter()
    path = f"/issue-credential-2.0/records/{cred_ex_id}/send-request"
    await stage.bare.call("POST", path, body)
    stage.note("bare: send-request call returned", ms_since(started, time.perf_counter()))
    done = await stage.hooks.wait(
        "bare", ISSUE, state_is("done", cred_ex_id=cred_ex_id), after=mark
    )
    return ms_since(started, done.at)


async def _wallet_issue(stage: Stage, side: Side, kind: CredKind, cred_def_id: str | None) -> float:
    """The wallet's side of `issue`: accept through the JSON API, stop at its `done` event."""
    events = stage.events_of(side)
    event_mark = events.mark()
    thread = await offer(stage, stage.issuer_conn[side], kind, cred_def_id)
    await events.wait("offer_received", after=event_mark, thread_id=thread, timeout=DEADLINE)
    hook = await events.wait(ISSUE, after=event_mark, thread_id=thread, state="offer-received")
    offer_id = str(hook.data["cred_ex_id"])
    started = time.perf_counter()
    await stage.holder(side).api("POST", f"/api/offers/{offer_id}/accept")
    stage.note(f"{side}: accept call returned", ms_since(started, time.perf_counter()))
    event = await events.wait("offer_updated", after=event_mark, thread_id=thread, state="done")
    stored = await events.wait(ISSUE, after=event_mark, cred_ex_id=offer_id, state="done")
    relayed = ms_since(started, stored.arrived)
    stage.note(f"{side}: accept -> its ACA-Py's done webhook relayed", relayed)
    stage.note(
        f"{side}: its ACA-Py's done webhook -> offer done event",
        (event.stamped - stored.stamped).total_seconds() * 1000,
    )
    return ms_since(started, event.arrived)


def definition(proof_type: str, fields: list[str], limit: bool) -> dict[str, Any]:
    constraints: dict[str, Any] = {
        "fields": [{"path": [f"$.credentialSubject.{name}"]} for name in fields]
    }
    if limit:
        constraints["limit_disclosure"] = "required"
    return {
        "id": str(uuid.uuid4()),
        "format": {"ldp_vp": {"proof_type": [proof_type]}},
        "input_descriptors": [
            {
                "id": "course",
                "schema": [{"uri": MICROCREDENTIAL}],
                "constraints": constraints,
            }
        ],
    }


async def request(stage: Stage, connection_id: str, kind: ProofKind, cred_def_id: str) -> str:
    """The verifier asks; returns its pres_ex_id."""
    verifier = stage.peers.verifier
    if kind == "anoncreds predicate":
        only = [{"cred_def_id": cred_def_id}]
        return await verifier.request_proof_anoncreds(
            connection_id,
            {"course": {"name": "course_title", "restrictions": only}},
            {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only}},
            name="Bench check",
        )
    if kind == "bbs selective":
        pd = definition("BbsBlsSignature2020", ["courseTitle", "score"], limit=True)
    else:
        pd = definition("Ed25519Signature2020", ["courseTitle"], limit=False)
    return await verifier.request_proof_dif(connection_id, pd)
