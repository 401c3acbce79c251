"""Moving a wallet that receives through a mediator (`pickup`): nothing is lost on the way.

The learner's wallet receives through the real ACA-Py ws mediator, gets a credential and
proves it. It is stopped (the old laptop is shut), backed up, and restored on "another
machine" (another data dir; no keyring there, so a passphrase). The mediator setting comes
from the environment in every command here, as config.toml would give it. While no copy
runs (after a restored copy refused to start beside the old one, started again by
mistake), the issuer sends an offer on the old connection: it waits at the mediator. The
restored wallet starts, is handed that offer through its mediator socket, stores it,
answers a verifier on the old connection, and nothing reaches it except through the
mediator.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from demo.peer_ws_mediator import WsMediator
from demo.peers import DidWebHostProcess, IssuerPeer, VerifierPeer, poll_until
from tests.integration.pickup_wallet_flow import (
    acapy_mediator_side,
    accept_offer,
    approve_and_verify,
    assert_reached_only_through_mediator,
    pending_offers,
    receive_and_prove,
    start_mediated_learner,
    start_wallet_again,
    stop_wallet,
    stored_credential_ids,
    wait_delivery_connected,
    wait_stored,
)
from tests.integration.proof_peers import COURSE, DEADLINE
from tests.integration.test_backup_restore import BACKUP_SECRET, NEW_MACHINE
from tests.integration.wallet_cli import WalletCli, wait_for
from ui.cli import exit_codes

pytestmark = pytest.mark.integration


async def test_a_mediated_wallet_moved_to_another_machine_gets_what_waited_meanwhile(
    tmp_path: Path,
    didweb_host: DidWebHostProcess,
    ws_mediator: WsMediator,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
) -> None:
    side = await acapy_mediator_side(ws_mediator)
    old = await asyncio.to_thread(start_mediated_learner, tmp_path / "old", didweb_host, side)
    try:
        issuer_connection, verifier_connection = await receive_and_prove(
            old, side, issuer, verifier, COURSE
        )
        held = await stored_credential_ids(old)
        await asyncio.to_thread(stop_wallet, old)
    finally:
        await asyncio.to_thread(old.kill)

    out = tmp_path / "backups" / "wallet.lwbackup"
    out.parent.mkdir()
    secret = {"LEARNER_WALLET_BACKUP_PASSPHRASE": BACKUP_SECRET, **side.start_env}
    made = await asyncio.to_thread(old.run, "backup", "--out", str(out), **secret)
    assert made.returncode == 0, made.stderr
    assert "The wallet was running" not in made.stdout  # stopped: nothing was in flight

    new = WalletCli(tmp_path / "new", **didweb_host.agent_env, **NEW_MACHINE)
    restored = await asyncio.to_thread(new.run, "restore", str(out), **secret)
    assert restored.returncode == 0, restored.stderr
    assert "receives through its mediator" in restored.stdout, restored.stdout
    assert "Never run both" in restored.stdout

    # By mistake the old wallet runs again: the restored copy refuses to start beside it.
    await asyncio.to_thread(start_wallet_again, old, side)
    try:
        both = await asyncio.to_thread(new.run, "start", timeout=60, **side.start_env)
        assert both.returncode == exit_codes.WALLET_RUNNING, both.stderr
        assert "restored from runs now" in both.stderr and str(old.data_dir) in both.stderr
        await asyncio.to_thread(stop_wallet, old)
    finally:
        await asyncio.to_thread(old.kill)

    # The laptop is gone; the issuer sends anyway: the offer waits at the mediator.
    cred_ex_id = await issuer.offer_anoncreds(
        issuer_connection, {**COURSE, "course_title": "Data Ethics"}
    )
    waiting_thread = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]

    try:
        await asyncio.to_thread(new.start, **side.start_env)
        await asyncio.to_thread(wait_for, lambda: new.status()["ready"], "the restored wallet")
        await wait_delivery_connected(new, side)
        assert await stored_credential_ids(new) == held

        async def arrived() -> dict[str, Any] | None:
            offers = await pending_offers(new)
            return next((o for o in offers if o["thread_id"] == waiting_thread), None)

        offer = await poll_until("the offer that waited at the mediator", arrived, DEADLINE)
        credential_id = await accept_offer(new, offer["id"])
        await wait_stored(new, held + Counter([credential_id]))

        ours = [{"cred_def_id": issuer.cred_def_id}]
        pres_ex_id = await verifier.request_proof_anoncreds(
            verifier_connection,
            {"course": {"name": "course_title", "restrictions": ours}},
            name="After the move",
        )
        await approve_and_verify(new, verifier, pres_ex_id)
        assert_reached_only_through_mediator(new)
    finally:
        await asyncio.to_thread(new.kill)
