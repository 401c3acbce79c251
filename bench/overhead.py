"""Overhead, start and memory: both holders against the same peers, A/B interleaved.

Each iteration runs a flow on both holders back to back, alternating which goes first, so
drift in machine load falls on both alike. The first iteration warms caches and is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.admin_calls import CallMeter, FlowCalls, count_in
from bench.flows import Side, Stage, connect, issue
from bench.holders import BareHolder, WalletHolder
from bench.hooks import HookBoard
from bench.memory import rss_mb, wait_idle
from bench.peers import Peers
from bench.proofs import prove
from bench.results import BenchResults
from bench.sse import EventStream

LOGGER = logging.getLogger("bench")
WARMUP = 1


def order(iteration: int) -> tuple[Side, Side]:
    return ("bare", "wallet") if iteration % 2 == 0 else ("wallet", "bare")


async def open_stage(
    base: Path, hooks: HookBoard, peers: Peers, profile_to: Path | None = None
) -> Stage:
    """Both holders started, connected to both peers, each holding one of every credential.

    The AnonCreds one is the only credential of the proof requests' definition: the timed
    offers issue under another, so every proof iteration matches the same credentials (how
    prompts grow with many matches is the scale run's subject).
    """
    env = peers.host.agent_env
    bare = BareHolder.launch(base / "bare", hooks.base_url("bare"), hooks.secret, env)
    wallet = WalletHolder(base / "wallet-run", env, profile_to)
    await wallet.init()
    await bare.start()
    await wallet.start()
    events = EventStream(f"{wallet.ui_url}/api/events", wallet.token)
    await events.start()
    stage = Stage(hooks, peers, bare, wallet, events)
    stage.bare_dids = {kind: await bare.did_key(kind) for kind in ("ed25519", "bls12381g2")}
    stage.bare_dids["bbs"] = stage.bare_dids.pop("bls12381g2")
    for side in ("bare", "wallet"):
        await connect(stage, side, "issuer")
        await connect(stage, side, "verifier")
        for kind in ("anoncreds", "ed25519", "bbs"):
            await issue(stage, side, kind, peers.proof_cred_def_id)  # what the proofs use
    return stage


def wallet_log(stage: Stage) -> Path:
    return stage.wallet.data_dir / "logs" / "acapy-holder.log"


def flow_calls(stage: Stage) -> FlowCalls:
    return FlowCalls(
        {
            "bare": CallMeter(stage.bare.process.launch.log_file),
            "wallet": CallMeter(wallet_log(stage)),
        }
    )


def admin_calls(stage: Stage) -> dict[str, dict[str, int]]:
    """Admin API calls served by each holder's ACA-Py so far (set-up included)."""
    return {
        "bare": count_in(stage.bare.process.launch.log_file),
        "wallet": count_in(wallet_log(stage)),
    }


async def close_stage(stage: Stage) -> None:
    await stage.events.stop()
    await stage.wallet.stop()
    await stage.bare.stop()


async def run_overhead(stage: Stage, results: BenchResults, iterations: int) -> None:
    timed: list[tuple[str, Callable[[Side], Awaitable[float]]]] = [
        ("invitation -> connection active", lambda side: connect(stage, side, "issuer")),
        ("offer accepted -> credential stored", lambda side: issue(stage, side, "anoncreds")),
    ]
    stage.breakdown.clear()
    calls = flow_calls(stage)
    for iteration in range(iterations + WARMUP):
        counted = iteration >= WARMUP
        for name, flow in timed:
            for side in order(iteration):
                calls.start(side, name if counted else None)
                value = await flow(side)
                if iteration >= WARMUP:
                    getattr(results.flow(name), f"{side}_ms").append(value)
        for kind in ("anoncreds predicate", "bbs selective", "ed25519"):
            for side in order(iteration):
                calls.start(side, f"proof ({kind})" if counted else None)
                timing = await prove(stage, side, kind)
                if iteration < WARMUP:
                    continue
                arrived = results.flow(f"request arrived -> prompt ({kind})")
                getattr(arrived, f"{side}_ms").append(timing.prompt_ms)
                if side == "wallet":
                    results.prompt_after_webhook_ms.append(timing.prompt_ms)
                verified = results.flow(f"approval -> verified ({kind})")
                getattr(verified, f"{side}_ms").append(timing.verified_ms)
        LOGGER.info("overhead iteration %d of %d done", iteration + 1, iterations + WARMUP)
    results.extra["breakdown_ms"] = stage.breakdown
    results.extra["admin_calls"] = admin_calls(stage)
    results.extra["admin_calls_per_flow"] = calls.finish()


async def measure_memory(stage: Stage, results: BenchResults, label: str) -> None:
    """RSS once the processes are idle (not mid-request)."""
    wallet = stage.wallet
    pids = [wallet.controller_pid, wallet.acapy_pid]
    if stage.bare.process.pid:
        pids.append(stage.bare.process.pid)
    await wait_idle(pids, timeout=120)
    results.memory_mb[f"controller {label}"] = rss_mb(wallet.controller_pid)
    results.memory_mb[f"wallet ACA-Py {label}"] = rss_mb(wallet.acapy_pid)
    if stage.bare.process.pid:
        results.memory_mb[f"bare ACA-Py {label}"] = rss_mb(stage.bare.process.pid)


async def run_cold_starts(stage: Stage, results: BenchResults, runs: int) -> None:
    """Stop both holders, then start each again on its existing data, interleaved."""
    await stage.events.stop()
    await stage.wallet.stop()
    await stage.bare.stop()
    for run in range(runs):
        for side in order(run):
            if side == "bare":
                results.start_ms.bare_ms.append(await stage.bare.start())
                await stage.bare.stop()
            else:
                results.start_ms.wallet_ms.append(await stage.wallet.start())
                await stage.wallet.stop()
