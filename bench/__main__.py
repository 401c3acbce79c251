"""`python -m bench [--quick]`: overhead, start, memory, scale, backup; table, JSON and PNG.

Results go to bench/results/<timestamp>.{json,png} (and latest.*); a seeded wallet for the
scale and backup runs is kept under bench/.cache so reruns do not seed again.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.backup import BackupSamples, as_extra, render_backup, run_backup_bench
from bench.delivery import measure_idle_cpu, start_pickup, stop_pickup
from bench.hooks import HookBoard
from bench.overhead import close_stage, measure_memory, open_stage, run_cold_starts, run_overhead
from bench.peers import Peers, start_peers
from bench.profiling import summarize
from bench.report import render, write_chart, write_json
from bench.results import BenchResults
from bench.scale import cached_wallet, run_scale

LOGGER = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent
# A prompt flow takes 12 to 20 ms, and its wallet/bare ratio over 20 runs per side has a
# 95% interval about 0.35 wide; 60 per side narrows it to about 0.2 (the table prints it).
ITERATIONS = 60
IDLE_SECONDS, QUICK_IDLE_SECONDS = 60.0, 20.0  # window for the live connection's idle CPU
BACKUP_REPS, QUICK_BACKUP_REPS = 5, 2  # timed backup + restore pairs, then as many phased


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a reduced set, under 3 minutes")
    parser.add_argument("--iterations", type=int, help="timed iterations per flow")
    parser.add_argument("--scale", type=int, help="credentials in the scale wallet")
    parser.add_argument("--starts", type=int, help="cold starts per holder")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument(
        "--skip-pickup", action="store_true", help="no wallet in pickup delivery (no mediator)"
    )
    parser.add_argument(
        "--idle-seconds", type=float, help="window for the pickup connection's idle CPU"
    )
    parser.add_argument("--only-scale", action="store_true", help="skip overhead and starts")
    parser.add_argument("--skip-backup", action="store_true")
    parser.add_argument(
        "--only-backup", action="store_true", help="only backup and restore of the scale wallet"
    )
    parser.add_argument("--backup-reps", type=int, help="timed backup and restore pairs")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the run's temp dir (logs)")
    parser.add_argument(
        "--profile", action="store_true", help="profile the controller (timings then invalid)"
    )
    args = parser.parse_args(argv)
    args.iterations = args.iterations or (5 if args.quick else ITERATIONS)
    args.scale = args.scale or (500 if args.quick else 10_000)
    args.starts = args.starts or (1 if args.quick else 5)
    args.backup_reps = args.backup_reps or (QUICK_BACKUP_REPS if args.quick else BACKUP_REPS)
    args.idle_seconds = args.idle_seconds or (QUICK_IDLE_SECONDS if args.quick else IDLE_SECONDS)
    return args


async def run(args: argparse.Namespace, base: Path) -> BenchResults:
    results = BenchResults()
    results.meta.quick = args.quick
    results.meta.iterations = args.iterations
    results.meta.cpus = os.cpu_count() or 0
    results.meta.load_before = list(os.getloadavg())
    hooks = HookBoard()
    await hooks.start()
    peers = await start_peers(base / "peers", hooks)
    try:
        if not (args.only_scale or args.only_backup):
            await overhead_phase(args, base, hooks, peers, results)
        if not (args.skip_scale or args.only_backup):
            await run_scale(hooks, peers, results, args)
        if not args.skip_backup:
            root, facts = await cached_wallet(hooks, peers, args.scale)
    finally:
        await peers.stop()
        await hooks.stop()
    if not args.skip_backup:  # with the peers stopped: nothing else of ours runs meanwhile
        samples = await asyncio.to_thread(
            run_backup_bench,
            root,
            args.scale,
            facts["from_cache"],
            base / "backup",
            args.backup_reps,
        )
        results.extra["backup"] = as_extra(samples)
    results.meta.load_after = list(os.getloadavg())
    return results


async def overhead_phase(
    args: argparse.Namespace, base: Path, hooks: HookBoard, peers: Peers, results: BenchResults
) -> None:
    profile = base / "controller.prof" if args.profile else None
    env = peers.host.agent_env
    pickup = None if args.skip_pickup else await start_pickup(base / "pickup", env, results)
    if args.skip_pickup:
        results.delivery.skipped = "--skip-pickup"
    try:
        stage = await open_stage(base / "holders", hooks, peers, profile, pickup)
        try:
            await run_overhead(stage, results, args.iterations)
            mediator = pickup.mediator if pickup is not None else None
            await measure_idle_cpu(stage, results, mediator, args.idle_seconds)
            await measure_memory(stage, results, "(few credentials)")
        finally:
            await close_stage(stage)
    finally:
        await stop_pickup(pickup)
    if profile is not None:
        results.meta.notes.append("PROFILED RUN: the controller ran under cProfile")
        args.results.mkdir(parents=True, exist_ok=True)
        print(summarize(profile, args.results / "controller-profile.txt"))
    await run_cold_starts(stage, results, args.starts)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    base = Path(tempfile.mkdtemp(prefix="learner-wallet-bench-"))
    started = time.monotonic()
    try:
        results = asyncio.run(run(args, base))
    finally:
        if args.keep:
            LOGGER.info("run files kept in %s", base)
        else:
            shutil.rmtree(base, ignore_errors=True)
    results.meta.notes.append(f"run took {time.monotonic() - started:.0f} s")
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "-backup" if args.only_backup else ""  # keeps latest.* the last full run
    json_path, png_path = args.results / f"{stamp}{suffix}.json", args.results / f"{stamp}.png"
    write_json(results, json_path)
    shutil.copyfile(json_path, args.results / f"latest{suffix}.json")
    if not args.only_backup:  # a backup-only run has nothing to chart
        write_chart(results, png_path)
        shutil.copyfile(png_path, args.results / "latest.png")
        print(render(results))
    if "backup" in results.extra:
        print("\n" + render_backup(BackupSamples.model_validate(results.extra["backup"])))
    print(f"\nwrote {json_path}" + ("" if args.only_backup else f" and {png_path}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
