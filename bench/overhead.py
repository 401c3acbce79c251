"""Overhead, start and memory: both holders against the same peers, A/B interleaved.

Each iteration runs a flow on both holders back to back, alternating which goes first, so
drift in machine load falls on both alike. The first iteration warms caches and is dropped.
With a wallet in `pickup` delivery (bench/delivery.py) it is a third holder in the same
rotation: the iterations cycle through every order of the three, so each pair of holders
goes first equally often.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.admin_calls import CallMeter, FlowCalls, count_in
from bench.delivery import CONNECTION, ISSUANCE, PROMPT_SHOWN, VERIFIED, PickupHolder, record_flow
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


def order(iteration: int, sides: tuple[Side, ...] = ("bare", "wallet")) -> tuple[Side, ...]:
    """The holders' order in one iteration: every order in turn (two holders: alternate)."""
    orders = list(itertools.permutations(sides))
    return orders[iteration % len(orders)]


async def open_stage(
    base: Path,
    hooks: HookBoard,
    peers: Peers,
    profile_to: Path | None = None,
    pickup: PickupHolder | None = None,
) -> Stage:
    """The holders started, connected to both peers, each holding one of every credential.

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
    if pickup is not None:
        stage.pickup, stage.pickup_events = pickup.wallet, pickup.events
    stage.bare_dids = {kind: await bare.did_key(kind) for kind in ("ed25519", "bls12381g2")}
    stage.bare_dids["bbs"] = stage.bare_dids.pop("bls12381g2")
    for side in stage.sides:
        await connect(stage, side, "issuer")
        await connect(stage, side, "verifier")
        for kind in ("anoncreds", "ed25519", "bbs"):
            await issue(stage, side, kind, peers.proof_cred_def_id)  # what the proofs use
    return stage


def acapy_logs(stage: Stage) -> dict[str, Path]:
    """Each holder's ACA-Py log (the wallets' under their data dirs)."""
    logs = {"bare": stage.bare.process.launch.log_file}
    for side, holder in (("wallet", stage.wallet), ("pickup", stage.pickup)):
        if holder is not None:
            logs[side] = holder.data_dir / "logs" / "acapy-holder.log"
    return logs


def flow_calls(stage: Stage) -> FlowCalls:
    return FlowCalls({side: CallMeter(log) for side, log in acapy_logs(stage).items()})


def admin_calls(stage: Stage) -> dict[str, dict[str, int]]:
    """Admin API calls served by each holder's ACA-Py so far (set-up included)."""
    return {side: count_in(log) for side, log in acapy_logs(stage).items()}


async def close_stage(stage: Stage) -> None:
    await stage.events.stop()
    await stage.wallet.stop()
    await stage.bare.stop()


def keep(
    results: BenchResults, stage: Stage, side: Side, name: str, value: float, delivery: bool = True
) -> None:
    """A timed sample: bare and wallet for the overhead, wallet and pickup for delivery."""
    if side != "pickup":
        getattr(results.flow(name), f"{side}_ms").append(value)
    if delivery:
        record_flow(results, stage, side, name, value)


async def run_overhead(stage: Stage, results: BenchResults, iterations: int) -> None:
    timed: list[tuple[str, Callable[[Side], Awaitable[float]]]] = [
        (CONNECTION, lambda side: connect(stage, side, "issuer")),
        (ISSUANCE, lambda side: issue(stage, side, "anoncreds")),
    ]
    stage.breakdown.clear()
    calls = flow_calls(stage)
    for iteration in range(iterations + WARMUP):
        counted = iteration >= WARMUP
        for name, flow in timed:
            for side in order(iteration, stage.sides):
                calls.start(side, name if counted else None)
                value = await flow(side)
                if counted:
                    keep(results, stage, side, name, value)
        for kind in ("anoncreds predicate", "bbs selective", "ed25519"):
            for side in order(iteration, stage.sides):
                calls.start(side, f"proof ({kind})" if counted else None)
                timing = await prove(stage, side, kind)
                if not counted:
                    continue
                arrived = f"request arrived -> prompt ({kind})"  # no delivery in it
                keep(results, stage, side, arrived, timing.prompt_ms, delivery=False)
                if side == "wallet":
                    results.prompt_after_webhook_ms.append(timing.prompt_ms)
                record_flow(results, stage, side, PROMPT_SHOWN.format(kind=kind), timing.shown_ms)
                keep(results, stage, side, VERIFIED.format(kind=kind), timing.verified_ms)
        LOGGER.info("overhead iteration %d of %d done", iteration + 1, iterations + WARMUP)
    results.extra["breakdown_ms"] = stage.breakdown
    results.extra["admin_calls"] = admin_calls(stage)
    results.extra["admin_calls_per_flow"] = calls.finish()


async def measure_memory(stage: Stage, results: BenchResults, label: str) -> None:
    """RSS once the processes are idle (not mid-request)."""
    wallet = stage.wallet
    pids = [wallet.controller_pid, wallet.acapy_pid]
    if stage.pickup is not None:
        pids += [stage.pickup.controller_pid, stage.pickup.acapy_pid]
    if stage.bare.process.pid:
        pids.append(stage.bare.process.pid)
    await wait_idle(pids, timeout=120)
    results.memory_mb[f"controller {label}"] = rss_mb(wallet.controller_pid)
    results.memory_mb[f"wallet ACA-Py {label}"] = rss_mb(wallet.acapy_pid)
    if stage.bare.process.pid:
        results.memory_mb[f"bare ACA-Py {label}"] = rss_mb(stage.bare.process.pid)
    if stage.pickup is not None:
        pickup = stage.pickup
        results.memory_mb[f"pickup wallet controller {label}"] = rss_mb(pickup.controller_pid)
        results.memory_mb[f"pickup wallet ACA-Py {label}"] = rss_mb(pickup.acapy_pid)


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
