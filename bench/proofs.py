"""Proof requests, timed in two parts: request arrived -> prompt, and approval -> verified.

The bare holder chooses like the simplest wallet: the first candidate per item (of the
requested proof type for DIF), all attributes revealed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from bench.flows import PRESENT, ProofKind, Side, Stage, ms_since, request
from bench.hooks import Hook, state_is

PROOF_TYPES = {"bbs selective": "BbsBlsSignature2020", "ed25519": "Ed25519Signature2020"}


@dataclass(frozen=True)
class ProofTiming:
    prompt_ms: float  # holder's ACA-Py webhook -> the holder could ask the learner
    verified_ms: float  # approval sent -> the verifier's `done` with verified "true"
    shown_ms: float  # the verifier asked to send -> the holder could ask (delivery included)


async def prove(stage: Stage, side: Side, kind: ProofKind) -> ProofTiming:
    """One request is open at a time, so the first `request-received` after the mark is this
    one: each holder reacts to it at once, and the request's thread is checked afterwards,
    so the bench's own call to the verifier never overlaps the interval it times."""
    mark = stage.hooks.mark()
    event_mark = stage.events_of(side).mark() if side != "bare" else 0
    # Bare's reaction waits beside the verifier's call, as the wallet's controller does.
    reacting = asyncio.create_task(_bare_reads(stage, mark)) if side == "bare" else None
    sent = time.perf_counter()
    try:
        pres_ex_id = await request(
            stage, stage.verifier_conn[side], kind, stage.peers.proof_cred_def_id
        )
    except BaseException:
        if reacting is not None:
            reacting.cancel()
        raise
    if reacting is not None:
        hook, candidates, prompt_ms = await reacting
        shown_ms = ms_since(sent, hook.at) + prompt_ms
        path = f"/present-proof-2.0/records/{hook.payload['pres_ex_id']}"
        await _same_thread(stage, pres_ex_id, hook.payload.get("thread_id"), kind)
        body = bare_choice(kind, candidates)
        started = time.perf_counter()
        await stage.bare.call("POST", f"{path}/send-presentation", body)
        stage.note(
            f"bare: send-presentation call returned ({kind})",
            ms_since(started, time.perf_counter()),
        )
    else:
        events = stage.events_of(side)
        prompted = await events.wait("request_received", after=event_mark)
        shown_ms = ms_since(sent, prompted.arrived)
        exchange_id = prompted.data["exchange_id"]
        hook_event = await events.wait(
            PRESENT, after=event_mark, pres_ex_id=exchange_id, state="request-received"
        )
        await _same_thread(stage, pres_ex_id, hook_event.data.get("thread_id"), kind)
        stage.note(
            f"{side}: request sent -> its ACA-Py's webhook relayed ({kind})",
            ms_since(sent, hook_event.arrived),
        )
        if not prompted.data.get("answerable"):
            raise RuntimeError(f"the wallet cannot answer the {kind} request: {prompted.data}")
        prompt_ms = (prompted.stamped - hook_event.stamped).total_seconds() * 1000
        started = time.perf_counter()
        await stage.holder(side).api("POST", f"/api/requests/{exchange_id}/approve")
        stage.note(
            f"{side}: approve call returned ({kind})", ms_since(started, time.perf_counter())
        )
    done = await stage.hooks.wait(
        "verifier", PRESENT, state_is("done", pres_ex_id=pres_ex_id), after=mark
    )
    if done.payload.get("verified") != "true":
        raise RuntimeError(f"the verifier did not verify the {kind} proof from {side}")
    return ProofTiming(prompt_ms, ms_since(started, done.at), shown_ms)


async def _bare_reads(stage: Stage, mark: int) -> tuple[Hook, list[dict[str, Any]], float]:
    """Bare's answer to its ACA-Py's webhook: the record and its candidates, timed."""
    hook = await stage.hooks.wait("bare", PRESENT, state_is("request-received"), after=mark)
    path = f"/present-proof-2.0/records/{hook.payload['pres_ex_id']}"
    await stage.bare.call("GET", path)
    candidates = await stage.bare.call("GET", f"{path}/credentials", limit=100)
    return hook, candidates, ms_since(hook.at, time.perf_counter())


async def _same_thread(stage: Stage, pres_ex_id: str, thread: object, kind: ProofKind) -> None:
    """The holder's request is the one the verifier just sent (same DIDComm thread)."""
    sent = (await stage.peers.verifier.pres_record(pres_ex_id))["thread_id"]
    if thread != sent:
        raise RuntimeError(f"the holder answered another request than the {kind} one")


def bare_choice(kind: ProofKind, candidates: list[dict[str, Any]]) -> dict[str, Any]:
    """The first fitting candidate per item, everything revealed."""
    if kind == "anoncreds predicate":
        chosen: dict[str, str] = {}
        for entry in candidates:
            for referent in entry.get("presentation_referents") or []:
                chosen.setdefault(referent, entry["cred_info"]["referent"])
        return {
            "anoncreds": {
                "requested_attributes": {"course": {"cred_id": chosen["course"], "revealed": True}},
                "requested_predicates": {"passed": {"cred_id": chosen["passed"]}},
                "self_attested_attributes": {},
            }
        }
    proof_type = PROOF_TYPES[kind]
    record_id = next(
        entry["record_id"] for entry in candidates if proof_type in _proof_types(entry)
    )
    return {"dif": {"record_ids": {"course": [record_id]}}}


def _proof_types(entry: dict[str, Any]) -> set[str]:
    """DIF candidates are the credentials themselves (plus `record_id`)."""
    proof = entry.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return {str(p.get("type")) for p in proofs if isinstance(p, dict)}
