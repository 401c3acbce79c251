"""Delivery through a mediator: the wallet in `pickup` delivery beside the wallet in `direct`.

The pickup holder is one more holder of the same run, not a second harness: `learner-wallet
start` with the invitation of a Credo-ts 0.5.19 mediator (so its `delivery` defaults to
`pickup`: its ACA-Py receives everything over one outbound WebSocket to the mediator,
Message Pickup 2.0 in live mode), driven through its JSON API by the same flows as the
direct wallet and interleaved with it. Measuring starts only once mediation is granted and
the plugin reports the socket connected in live mode.

The idle cost of the live connection is the CPU time, from /proc/<pid>/stat, that the
pickup wallet's processes use over a quiet window, as a share of one core; the direct
wallet, the bare holder and the mediator are read over the same window beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.flows import Stage
from bench.holders import WalletHolder
from bench.memory import cpu_seconds, wait_idle
from bench.results import BenchResults
from bench.sse import EventStream
from demo.peers import poll_until
from protocols.connections.mediation_ready import default_mediation_granted
from tests.integration.credo_mediator import (
    CredoMediator,
    CredoMediatorSetupError,
    start_credo_mediator,
)

LOGGER = logging.getLogger("bench")
MEDIATOR_LABEL = "Bench Mediator"
RECEIVING_TIMEOUT = 90.0
# The flows of the pickup comparison, as `run_overhead` names them; the first three are the
# issue's targets (<= 1.25x direct), approval -> verified is only shown beside them.
CONNECTION = "invitation -> connection active"
ISSUANCE = "offer accepted -> credential stored"
PROMPT_SHOWN = "request sent -> prompt shown ({kind})"
VERIFIED = "approval -> verified ({kind})"


@dataclass
class PickupHolder:
    mediator: CredoMediator
    wallet: WalletHolder
    events: EventStream

    async def stop(self) -> None:
        await self.events.stop()
        await self.wallet.stop()
        await self.mediator.stop()


async def start_pickup(
    base: Path, env: dict[str, str], results: BenchResults
) -> PickupHolder | None:
    """The mediator and a wallet receiving through it; None (and why, in the results) when
    the Credo mediator is not installed here."""
    try:
        mediator = await start_credo_mediator(base / "credo", label=MEDIATOR_LABEL)
    except CredoMediatorSetupError as error:
        results.delivery.skipped = str(error)
        LOGGER.warning("pickup delivery not measured: %s", error)
        return None
    results.delivery.mediator = f"Credo-ts 0.5.19 ({mediator.label}, queue-and-live)"
    invitation = {"LEARNER_WALLET_MEDIATOR_INVITATION": mediator.invitation_url}
    wallet = WalletHolder(base / "pickup-run", {**env, **invitation})
    try:
        await wallet.init()
        await wallet.start()
        state = await wait_receiving(wallet)
        LOGGER.info("pickup wallet receiving through the mediator: %s", state)
        events = EventStream(f"{wallet.ui_url}/api/events", wallet.token)
        await events.start()
    except BaseException:
        await wallet.stop()
        await mediator.stop()
        raise
    return PickupHolder(mediator, wallet, events)


async def wait_receiving(wallet: WalletHolder) -> dict[str, Any]:
    """Mediation granted and the mediator socket connected in live pickup mode."""
    admin = wallet.acapy_admin()
    try:

        async def live() -> dict[str, Any] | None:
            state = await admin.request("GET", "/learner-wallet/pickup")
            wanted = state.get("state") == "connected" and state.get("live") is True
            return dict(state) if wanted else None

        await poll_until(
            "the pickup wallet's mediation grant",
            lambda: default_mediation_granted(admin),
            RECEIVING_TIMEOUT,
        )
        return await poll_until("the pickup wallet's live socket", live, RECEIVING_TIMEOUT)
    finally:
        await admin.close()


async def pickup_state(wallet: WalletHolder) -> dict[str, Any]:
    admin = wallet.acapy_admin()
    try:
        return dict(await admin.request("GET", "/learner-wallet/pickup"))
    finally:
        await admin.close()


def record_flow(results: BenchResults, stage: Stage, side: str, name: str, value: float) -> None:
    """Keep a sample of the direct wallet or the pickup wallet for the comparison."""
    if stage.pickup is None or side not in ("wallet", "pickup"):
        return
    samples = results.delivery.flow(name)
    samples.targeted = not name.startswith(VERIFIED.split("(")[0])
    (samples.direct_ms if side == "wallet" else samples.pickup_ms).append(value)


def watched_pids(stage: Stage, mediator: CredoMediator | None) -> dict[str, int]:
    """Every process of the run whose idle CPU is worth a number, by name."""
    pids = {
        "direct wallet ACA-Py": stage.wallet.acapy_pid,
        "direct wallet controller": stage.wallet.controller_pid,
    }
    if stage.pickup is not None:
        pids["pickup wallet ACA-Py"] = stage.pickup.acapy_pid
        pids["pickup wallet controller"] = stage.pickup.controller_pid
    if stage.bare.process.pid:
        pids["bare ACA-Py"] = stage.bare.process.pid
    if mediator is not None:
        pids["Credo mediator (node)"] = mediator.pid
    return pids


async def measure_idle_cpu(
    stage: Stage, results: BenchResults, mediator: CredoMediator | None, window: float
) -> None:
    """CPU used over `window` seconds with nothing to do, as % of one core, per process.

    Waits first until every process is quiet (start-up indexing or a late webhook would
    otherwise count), and checks that the pickup socket stayed connected throughout.
    """
    if stage.pickup is None:
        return
    pids = watched_pids(stage, mediator)
    await wait_idle(list(pids.values()), timeout=120)
    before_state = await pickup_state(stage.pickup)
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    await asyncio.sleep(window)  # the measuring window itself, not a wait for a state
    elapsed = time.monotonic() - started
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    after_state = await pickup_state(stage.pickup)
    shares = {name: (after[name] - before[name]) / elapsed * 100 for name in pids}
    shares["pickup wallet (controller + ACA-Py)"] = (
        shares["pickup wallet ACA-Py"] + shares["pickup wallet controller"]
    )
    shares["direct wallet (controller + ACA-Py)"] = (
        shares["direct wallet ACA-Py"] + shares["direct wallet controller"]
    )
    results.delivery.idle_window_s = round(elapsed, 2)
    results.delivery.idle_cpu_percent = shares
    for state in (before_state, after_state):
        if state.get("state") != "connected" or state.get("live") is not True:
            results.meta.notes.append(f"pickup socket not live during the idle window: {state}")
    if before_state.get("since") != after_state.get("since"):
        results.meta.notes.append("the pickup socket reconnected during the idle window")


async def stop_pickup(holder: PickupHolder | None) -> None:
    if holder is not None:
        with contextlib.suppress(Exception):
            await holder.stop()
