"""Proof requests, timed in two parts: request arrived -> prompt, and approval -> verified.

The bare holder chooses like the simplest wallet: the first candidate per item (of the
requested proof type for DIF), all attributes revealed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bench.flows import PRESENT, ProofKind, Side, Stage, ms_since, request
from bench.hooks import state_is

PROOF_TYPES = {"bbs selective": "BbsBlsSignature2020", "ed25519": "Ed25519Signature2020"}


@dataclass(frozen=True)
class ProofTiming:
    prompt_ms: float  # holder's ACA-Py webhook -> the holder could ask the learner
    verified_ms: float  # approval sent -> the verifier's `done` with verified "true"


async def prove(stage: Stage, side: Side, kind: ProofKind) -> ProofTiming:
    mark, event_mark = stage.hooks.mark(), stage.events.mark()
    pres_ex_id = await request(
        stage, stage.verifier_conn[side], kind, stage.peers.proof_cred_def_id
    )
    thread = str((await stage.peers.verifier.pres_record(pres_ex_id))["thread_id"])
    if side == "bare":
        hook = await stage.hooks.wait(
            "bare", PRESENT, state_is("request-received", thread_id=thread), after=mark
        )
        exchange_id = hook.payload["pres_ex_id"]
        path = f"/present-proof-2.0/records/{exchange_id}"
        await stage.bare.call("GET", path)
        candidates = await stage.bare.call("GET", f"{path}/credentials", limit=100)
        prompt_ms = ms_since(hook.at, time.perf_counter())
        body = bare_choice(kind, candidates)
        started = time.perf_counter()
        await stage.bare.call("POST", f"{path}/send-presentation", body)
        stage.note(
            f"bare: send-presentation call returned ({kind})",
            ms_since(started, time.perf_counter()),
        )
    else:
        # One request is open at a time, so the first prompt after the mark is this one;
        # the webhook event it answers is looked up afterwards, off the timed interval.
        prompted = await stage.events.wait("request_received", after=event_mark)
        exchange_id = prompted.data["exchange_id"]
        hook_event = await stage.events.wait(
            PRESENT, after=event_mark, pres_ex_id=exchange_id, state="request-received"
        )
        if hook_event.data.get("thread_id") != thread:
            raise RuntimeError(f"the wallet prompted for another request than the {kind} one")
        if not prompted.data.get("answerable"):
            raise RuntimeError(f"the wallet cannot answer the {kind} request: {prompted.data}")
        prompt_ms = (prompted.stamped - hook_event.stamped).total_seconds() * 1000
        started = time.perf_counter()
        await stage.wallet.api("POST", f"/api/requests/{exchange_id}/approve")
        stage.note(
            f"wallet: approve call returned ({kind})", ms_since(started, time.perf_counter())
        )
    done = await stage.hooks.wait(
        "verifier", PRESENT, state_is("done", pres_ex_id=pres_ex_id), after=mark
    )
    if done.payload.get("verified") != "true":
        raise RuntimeError(f"the verifier did not verify the {kind} proof from {side}")
    return ProofTiming(prompt_ms, ms_since(started, done.at))


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
