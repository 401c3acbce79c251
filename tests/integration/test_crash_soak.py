"""Issue #15, point 6 in `direct` delivery: nothing is lost across crashes (slow; `make soak`).

Cycle after cycle the issuer offers two credentials (AnonCreds and W3C, each with a mark of
its own), the learner's wallet accepts them by itself (auto-accept for this issuer), and at
a random moment while that runs the learner's ACA-Py is killed with SIGKILL; every fifth
cycle the whole controller is killed instead and started again with `learner-wallet start`.
At the end every credential the issuer finished (`credential-issued` or `done`) must be in
the wallet (ACA-Py's store and the learner's list) exactly once, and every offer must be in
a final state the learner sees (`done`, `failed`, `declined`).

Each crash is followed by recovery before the next one: a cycle ends when its two
exchanges have settled (or after CYCLE_SETTLE seconds). In `direct` delivery a message the
learner's agent did not take is delivered again only by the sender's own retries (an ACA-Py
issuer: 4 more attempts, 10 s apart); kills closer together than that, back to back for 50
cycles, leave the learner down at every attempt and the issuer gives up (measured: 13 of 99
credentials). Delivery through a mediator (`pickup`) has no such window.

SOAK_CYCLES sets the number of cycles (default 50; e.g. `SOAK_CYCLES=5` while developing).
The figures are printed and kept in `soak.json` in the test's temp dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from agent.admin_models import W3CCredentialQuery
from demo.peers import SAMPLE_MICROCREDENTIAL, DidWebHostProcess, IssuerPeer, poll_until
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import api_ok, connect
from tests.integration.test_crash_recovery import gone, learner_admin
from tests.integration.test_offers import COURSE
from tests.integration.wallet_cli import WalletCli, pid_alive

pytestmark = [pytest.mark.slow, pytest.mark.integration]
CYCLES = int(os.environ.get("SOAK_CYCLES", "50"))
CONTROLLER_EVERY = 5  # cycles 2, 7, 12, ... kill the controller (its restarts start afresh)
KILL_WITHIN = 1.5  # seconds after the offers: issuance takes about 0.3 to 1 s here
CYCLE_SETTLE = 60.0  # the issuer retries 10 s after a failed attempt
RESTART_DEADLINE = 90.0
SETTLE_DEADLINE = 240.0  # the 60 s exchange timeout plus the issuer's 40 s of retries
FINAL = {"done", "failed", "declined"}
FINISHED = {"credential-issued", "done"}


@dataclass
class SoakFigures:
    delivery: str = "direct"
    seed: int = 0
    seconds: float = 0.0  # from the first connection to the last count
    cycles: int = 0
    acapy_kills: int = 0
    controller_kills: int = 0
    offered: int = 0
    issued: int = 0  # the issuer finished: credential-issued or done
    stored: int = 0  # of those, in the wallet
    duplicates: int = 0  # credentials stored more than once (extra copies)
    failed: int = 0  # offers the learner sees failed
    failed_issuer_states: dict[str, int] = field(default_factory=dict)
    not_final: int = 0
    missing: list[str] = field(default_factory=list)


async def test_nothing_is_lost_across_random_kills(
    tmp_path: Path, didweb_host: DidWebHostProcess, issuer: IssuerPeer
) -> None:
    env = auto_accept_env(issuer)
    cli = await asyncio.to_thread(start_learner, tmp_path / "learner", didweb_host, **env)
    figures = SoakFigures(delivery="direct")
    try:
        await soak(cli, issuer, env, figures)
    finally:
        report(tmp_path, figures)
        await asyncio.to_thread(cli.kill)
    assert_nothing_lost(figures)


def auto_accept_env(issuer: IssuerPeer) -> dict[str, str]:
    """The wallet accepts this issuer's offers by itself (no learner to click in a soak)."""
    return {
        "LEARNER_WALLET_AUTO_ACCEPT_ISSUERS": json.dumps([issuer.ed25519_did, issuer.didweb_did])
    }


async def soak(
    cli: WalletCli, issuer: IssuerPeer, env: dict[str, str], figures: SoakFigures
) -> None:
    """Connect, run the cycles of offers and kills, let everything settle, count.

    `env` is what `learner-wallet start` needs again after the controller is killed.
    """
    started = time.monotonic()
    connection_id = await connect(cli, issuer)
    offered: dict[str, str] = {}  # issuer cred_ex_id -> mark
    seed = int(os.environ.get("SOAK_SEED", str(time.time_ns())))
    figures.seed = seed
    rng = random.Random(seed)
    for cycle in range(CYCLES):
        this_cycle = await offer_two(issuer, connection_id, cycle)
        offered.update(this_cycle)
        await asyncio.sleep(rng.uniform(0, KILL_WITHIN))  # the random moment of the kill
        if cycle % CONTROLLER_EVERY == 2:
            await kill_controller_and_start_again(cli, env)
            figures.controller_kills += 1
        else:
            await kill_acapy_and_wait_back(cli)
            figures.acapy_kills += 1
        figures.cycles += 1
        await cycle_settled(cli, issuer, list(this_cycle))
    await settle(cli, issuer, connection_id)
    await count(cli, issuer, connection_id, offered, figures)
    figures.seconds = round(time.monotonic() - started, 1)


def report(tmp_path: Path, figures: SoakFigures) -> None:
    """The figures on stdout (`-s`) and in `soak.json` in the test's temp dir."""
    (tmp_path / "soak.json").write_text(json.dumps(asdict(figures), indent=2))
    print(f"\nsoak figures: {json.dumps(asdict(figures))}")


def assert_nothing_lost(figures: SoakFigures) -> None:
    assert figures.not_final == 0, figures
    assert figures.missing == [], figures
    assert figures.duplicates == 0, figures
    assert figures.stored == figures.issued > 0, figures


async def offer_two(issuer: IssuerPeer, connection_id: str, cycle: int) -> dict[str, str]:
    """An AnonCreds and a W3C offer, each marked as no other (the W3C one by its id)."""
    mark = f"soak-{cycle}"
    anoncreds = await issuer.offer_anoncreds(connection_id, {**COURSE, "learner_name": mark})
    subject = {**SAMPLE_MICROCREDENTIAL, "courseTitle": f"Soak {cycle}"}
    w3c = await issuer.offer_ld_credential(connection_id, "ed25519", subject)
    record = await issuer.cred_record(w3c)
    credential_id = record["cred_ex_record"]["by_format"]["cred_offer"]["ld_proof"]["credential"]
    return {anoncreds: mark, w3c: str(credential_id["id"])}


async def kill_acapy_and_wait_back(cli: WalletCli) -> None:
    pid = int((await asyncio.to_thread(cli.status))["agent_pid"])
    os.kill(pid, signal.SIGKILL)  # the learner's ACA-Py, by the pid the wallet reports
    await poll_until("the killed agent gone", lambda: gone(pid), RESTART_DEADLINE)
    await poll_until("the agent restarted", lambda: agent_ready(cli, pid), RESTART_DEADLINE)


async def kill_controller_and_start_again(cli: WalletCli, env: dict[str, str]) -> None:
    """SIGKILL of `learner-wallet start`; its ACA-Py gets SIGTERM from the kernel (parent
    death signal) and stops; then the learner starts the wallet again, as the tests do."""
    assert cli.process is not None
    acapy = int((await asyncio.to_thread(cli.status))["agent_pid"])
    os.kill(cli.process.pid, signal.SIGKILL)
    await asyncio.to_thread(cli.process.wait, 30)
    await poll_until("the orphaned agent stopped", lambda: gone(acapy), RESTART_DEADLINE)
    cli.output.clear()
    await asyncio.to_thread(cli.start, **env)
    await poll_until("the wallet ready again", lambda: agent_ready(cli, acapy), RESTART_DEADLINE)


async def agent_ready(cli: WalletCli, old_pid: int) -> bool:
    status = await asyncio.to_thread(cli.status)
    pid = status.get("agent_pid")
    return bool(status.get("ready")) and pid not in (None, old_pid) and pid_alive(int(pid))


async def cycle_settled(cli: WalletCli, issuer: IssuerPeer, cred_ex_ids: list[str]) -> None:
    """Until nothing of this cycle is still on its way (a lost one is counted at the end)."""

    async def settled() -> bool:
        offers = (await api_ok(cli, "GET", "/api/offers?limit=500"))["offers"]
        by_thread = {offer["thread_id"]: offer for offer in offers}
        for cred_ex_id in cred_ex_ids:
            record = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]
            offer = by_thread.get(record["thread_id"])
            if offer is None or not at_rest(record["state"], offer["state"]):
                return False
        return True

    with contextlib.suppress(TimeoutError):
        await poll_until("the cycle's exchanges settled", settled, CYCLE_SETTLE)


def at_rest(issuer_state: str, learner_state: str) -> bool:
    """Nothing more will move: finished at the learner, failed, or the learner's own request
    never left its agent (the issuer still waits at `offer-sent`; the deadline fails it)."""
    if learner_state in FINAL:
        return True
    return issuer_state == "offer-sent" and learner_state == "accepted"


async def settle(cli: WalletCli, issuer: IssuerPeer, connection_id: str) -> None:
    """Until every offer is final at the learner and the issuer has nothing under way."""

    async def settled() -> bool:
        offers = (await api_ok(cli, "GET", "/api/offers?limit=500"))["offers"]
        records = await issuer_records(issuer, connection_id)
        learner_final = all(offer["state"] in FINAL for offer in offers)
        by_thread = {offer["thread_id"]: offer for offer in offers}
        delivered = all(
            by_thread.get(r["thread_id"], {}).get("state") == "done"
            for r in records
            if r["state"] in FINISHED
        )
        issuing = any(r["state"] == "request-received" for r in records)
        return learner_final and delivered and not issuing

    with contextlib.suppress(TimeoutError):  # what did not settle is counted and reported
        await poll_until("every exchange settled", settled, SETTLE_DEADLINE)


async def issuer_records(issuer: IssuerPeer, connection_id: str) -> list[dict[str, Any]]:
    body = await issuer.call("GET", "/issue-credential-2.0/records", connection_id=connection_id)
    return [item["cred_ex_record"] for item in body["results"]]


async def count(
    cli: WalletCli,
    issuer: IssuerPeer,
    connection_id: str,
    offered: dict[str, str],
    figures: SoakFigures,
) -> None:
    records = {r["cred_ex_id"]: r for r in await issuer_records(issuer, connection_id)}
    offers = (await api_ok(cli, "GET", "/api/offers?limit=500"))["offers"]
    by_thread = {offer["thread_id"]: offer for offer in offers}
    listed = await listed_ids(cli)
    copies = await stored_marks(cli)
    figures.offered = len(offered)
    figures.not_final = sum(offer["state"] not in FINAL for offer in offers)
    figures.duplicates = sum(n - 1 for n in copies.values() if n > 1)
    failed_states: Counter[str] = Counter()
    for cred_ex_id, mark in offered.items():
        record = records[cred_ex_id]
        offer = by_thread.get(record["thread_id"])
        if offer is not None and offer["state"] == "failed":
            failed_states[record["state"]] += 1
        if record["state"] not in FINISHED:
            continue
        figures.issued += 1
        in_wallet = (
            offer is not None
            and offer["state"] == "done"
            and offer["credential_id"] in listed
            and copies[mark] >= 1
        )
        if in_wallet:
            figures.stored += 1
        else:
            figures.missing.append(f"{mark}: {offer and offer['state']}, {copies[mark]} copies")
    figures.failed = sum(failed_states.values())
    figures.failed_issuer_states = dict(failed_states)


async def listed_ids(cli: WalletCli) -> set[str]:
    """Ids of the credentials in the learner's list (`<format>:<id>`, as offers name
    them), every page."""
    ids: set[str] = set()
    while True:
        page = await api_ok(cli, "GET", f"/api/credentials?limit=100&offset={len(ids)}")
        ids |= {item["id"] for item in page["items"]}
        if not page["items"] or len(ids) >= page["total"]:
            return ids


async def stored_marks(cli: WalletCli) -> Counter[str]:
    """How many credentials ACA-Py's store holds per mark (learner_name or W3C id)."""
    async with await asyncio.to_thread(learner_admin, cli) as admin:
        anoncreds = await admin.list_anoncreds_credentials(limit=1000)
        w3c = await admin.list_w3c_credentials(W3CCredentialQuery(max_results=1000))
    marks = Counter(c.attrs.get("learner_name", "") for c in anoncreds)
    marks.update(str(c.cred_value.get("id", "")) for c in w3c)
    return marks
