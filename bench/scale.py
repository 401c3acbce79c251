"""Scale: the wallet with many credentials; list, search, filter, candidates and prompt.

List, search and filter are timed at the JSON API as the UI calls them. The whole path from
ACA-Py's webhook to the prompt is timed by the wallet's event stamps; that path narrows DIF
candidates with the wallet's claims index (protocols/presentation/narrowing.py). Beside it,
the lookup the wallet falls back to, ACA-Py's candidate route alone (`fetch_candidates`
without the index), and the prompt build from that full list are timed on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.flows import PRESENT, definition
from bench.holders import WalletHolder
from bench.hooks import HookBoard
from bench.memory import PeakRss, rss_mb, wait_idle
from bench.peers import Peers
from bench.results import BenchResults
from bench.seed import SEED_VERSION, connect_wallet, seed_wallet, wait_indexed
from bench.sse import EventStream
from protocols.consent import TrustList, build_prompt, parse_request
from protocols.presentation.candidates import fetch_candidates

LOGGER = logging.getLogger("bench")
CACHE = Path(__file__).resolve().parent / ".cache"
# What the controller keeps beside ACA-Py's records; a snapshot of an older format is
# brought up to date once (see `_bring_snapshot_up_to_date`). claims-v1: claim tags.
SNAPSHOT_FORMAT = "claims-v1"


async def cached_wallet(hooks: HookBoard, peers: Peers, size: int) -> tuple[Path, dict[str, Any]]:
    """The seeded wallet's root, restored from its snapshot (seeded and saved first if none).

    The wallet runs where it was seeded (`work/`): its key in the file keyring is filed
    under that path. The snapshot keeps each run from changing the next one's data.
    """
    home = CACHE / f"{SEED_VERSION}-n{size}"
    work, snapshot, marker = home / "work", home / "snapshot", home / "seeded.json"
    if not (marker.exists() and snapshot.is_dir()):
        LOGGER.info("seeding a wallet with %d credentials (cached in %s)", size, home)
        shutil.rmtree(home, ignore_errors=True)
        facts = await seed_wallet(work, hooks, peers, size)
        shutil.copytree(work, snapshot)
        marker.write_text(json.dumps(facts, indent=2))
        return work, {**facts, "from_cache": False}
    facts = json.loads(marker.read_text())
    if facts.get("snapshot_format") != SNAPSHOT_FORMAT:
        await _bring_snapshot_up_to_date(work, snapshot, size, peers.host.agent_env)
        facts["snapshot_format"] = SNAPSHOT_FORMAT
        marker.write_text(json.dumps(facts, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(snapshot, work)
    return work, {**facts, "from_cache": True}


async def _bring_snapshot_up_to_date(
    work: Path, snapshot: Path, size: int, env: dict[str, str]
) -> None:
    """Let today's wallet update a snapshot made by an older one (e.g. add claim tags), once.

    A learner's wallet does such an update once, at its first start after an upgrade; the
    bench measures the starts after it, so the one-time work is done here, unmeasured.
    """
    LOGGER.info("updating the cached %d-credential wallet for this version (once)", size)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(snapshot, work)
    wallet = WalletHolder(work, env)
    try:
        await wallet.start()
        await wait_indexed(wallet, size)
        await wait_idle([wallet.controller_pid, wallet.acapy_pid], timeout=600)
    finally:
        await wallet.stop()
    shutil.rmtree(snapshot)
    shutil.copytree(work, snapshot)


async def timed(samples: list[float], reps: int, call: Callable[[], Awaitable[Any]]) -> Any:
    answer = None
    for _ in range(reps):
        started = time.perf_counter()
        answer = await call()
        samples.append((time.perf_counter() - started) * 1000)
    return answer


async def run_scale(
    hooks: HookBoard, peers: Peers, results: BenchResults, args: argparse.Namespace
) -> None:
    root, facts = await cached_wallet(hooks, peers, args.scale)
    scale = results.scale
    scale.size, scale.seeded_from_cache = args.scale, facts["from_cache"]
    scale.seed_seconds = None if facts["from_cache"] else facts["seconds"]
    wallet = WalletHolder(root, peers.host.agent_env)
    events: EventStream | None = None
    try:
        scale.ops["cold start to ready"] = [await wallet.start()]
        peak = PeakRss(wallet.controller_pid)
        peak.start()
        events = EventStream(f"{wallet.ui_url}/api/events", wallet.token)
        await events.start()
        await wait_indexed(wallet, args.scale)
        await wait_idle([wallet.controller_pid, wallet.acapy_pid], timeout=600)
        label = f"({args.scale} credentials)"
        results.memory_mb[f"controller peak during start-up {label}"] = await peak.stop()
        results.memory_mb[f"controller idle after start-up {label}"] = rss_mb(wallet.controller_pid)
        await _lists(wallet, scale.ops, 10 if args.quick else 40)
        verifier_conn = await connect_wallet(wallet, hooks, peers.verifier, "verifier")
        reps = 3 if args.quick else 10
        for kind, make in _requests(peers, facts).items():
            shown = await _proof_at_scale(
                wallet, events, verifier_conn, kind, make, reps, scale.ops
            )
            results.extra.setdefault("scale_prompt_candidates_per_item", {})[kind] = shown
        await _no_open_requests(wallet)
        await wait_idle([wallet.controller_pid, wallet.acapy_pid], timeout=120)
        results.memory_mb[f"controller ({args.scale} credentials)"] = rss_mb(wallet.controller_pid)
        results.memory_mb[f"wallet ACA-Py ({args.scale} credentials)"] = rss_mb(wallet.acapy_pid)
    finally:
        if events is not None:
            await events.stop()
        await wallet.stop()


async def _no_open_requests(wallet: WalletHolder, seconds: float = 60.0) -> None:
    """Every declined request has left the wallet's book (memory is read at rest)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (await wallet.api("GET", "/api/requests"))["requests"]:
        if loop.time() > deadline:
            raise TimeoutError("the declined proof requests did not leave the wallet's list")
        await asyncio.sleep(0.1)  # a poll interval, not a wait for a state


async def _lists(wallet: WalletHolder, ops: dict[str, list[float]], reps: int) -> None:
    queries = {
        "credentials page": "/api/credentials?limit=20",
        "credentials page, offset 5000": "/api/credentials?limit=20&offset=5000",
        "text search": "/api/credentials?q=statistics&limit=20",
        "text search, rare word": "/api/credentials?q=robotics%2017&limit=20",
        "filter by format": "/api/credentials?format=anoncreds&limit=20",
    }
    for name, path in queries.items():

        async def get(path: str = path) -> Any:
            return await wallet.api("GET", path)

        page = await timed(ops.setdefault(name, []), reps, get)
        LOGGER.info("%s: %d matches", name, page["total"])


Ask = Callable[[str], Awaitable[str]]


def _requests(peers: Peers, facts: dict[str, Any]) -> dict[str, Ask]:
    """An AnonCreds predicate request (all seeded AnonCreds match) and a DIF request for one
    course among all the W3C credentials (ACA-Py reads every MicroCredential to filter)."""
    only = [{"cred_def_id": facts["cred_def_id"]}]
    anon = facts["anoncreds"]
    course = definition("Ed25519Signature2020", ["courseTitle"], limit=False)
    field = course["input_descriptors"][0]["constraints"]["fields"][0]
    field["filter"] = {"type": "string", "const": "Statistics 3"}

    async def anoncreds(connection_id: str) -> str:
        return await peers.verifier.request_proof_anoncreds(
            connection_id,
            {"course": {"name": "course_title", "restrictions": only}},
            {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": only}},
        )

    async def dif(connection_id: str) -> str:
        return await peers.verifier.request_proof_dif(connection_id, course)

    return {f"AnonCreds predicate, {anon} match": anoncreds, "DIF Ed25519, one course": dif}


async def _proof_at_scale(
    wallet: WalletHolder,
    events: EventStream,
    connection_id: str,
    kind: str,
    ask: Ask,
    reps: int,
    ops: dict[str, list[float]],
) -> list[int]:
    """Requests arrive `reps` times (webhook -> prompt by the wallet's stamps); the last one
    is also taken apart: candidate lookup and prompt build, each timed alone."""
    exchange_ids = []
    for _ in range(reps):
        mark = events.mark()
        await ask(connection_id)
        hook = await events.wait(PRESENT, after=mark, state="request-received", timeout=600)
        exchange_id = hook.data["pres_ex_id"]
        prompted = await events.wait(
            "request_received", after=mark, exchange_id=exchange_id, timeout=600
        )
        elapsed = (prompted.stamped - hook.stamped).total_seconds() * 1000
        ops.setdefault(f"prompt after webhook ({kind})", []).append(elapsed)
        exchange_ids.append(exchange_id)
    admin = wallet.acapy_admin()
    try:
        record = (await admin.presentation_exchange(exchange_ids[-1])).model_dump()
        request = parse_request(record)
        candidates = await timed(
            ops.setdefault(f"candidate lookup, ACA-Py route without the index ({kind})", []),
            reps,
            lambda: fetch_candidates(admin, exchange_ids[-1], request),
        )
        build = ops.setdefault(f"prompt build from the route's list ({kind})", [])
        for _ in range(reps):
            started = time.perf_counter()
            build_prompt(record, candidates, TrustList(), "Employer")
            build.append((time.perf_counter() - started) * 1000)
        LOGGER.info("%s: %d candidates from ACA-Py", kind, len(candidates))
        detail = await wallet.api("GET", f"/api/requests/{exchange_ids[-1]}")
        shown = [len(item.get("candidates", [])) for item in detail["prompt"]["items"]]
        LOGGER.info("%s: the prompt offers %s credentials per item", kind, shown)
    finally:
        await admin.close()
    for exchange_id in exchange_ids:
        await wallet.api("POST", f"/api/requests/{exchange_id}/decline")
    return shown
