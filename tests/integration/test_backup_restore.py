"""Backup of a running wallet, restore on "another machine", and its old connections work.

One wallet: it gets an AnonCreds credential from the real issuer, shares a proof with the
real verifier, and is backed up while it runs. It is stopped and restored into a second
data dir whose key comes from a passphrase (no keyring there, unlike the first). The
restored wallet lists the credential and its history, answers the verifier on the old
connection, and receives a new offer from the issuer on the old connection. On the way, the
real file cut short or with one bit flipped, a target dir that holds something, and a
restore killed with SIGKILL while it writes all leave no wallet and change nothing.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from demo.peers import DidWebHostProcess, IssuerPeer, VerifierPeer, poll_until
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import (
    COURSE,
    DEADLINE,
    accept_next_offer,
    api_ok,
    connect,
    issue_anoncreds,
    request_at_learner,
)
from tests.integration.wallet_cli import CLI, WalletCli, wait_for
from ui.cli import exit_codes

pytestmark = pytest.mark.integration

BACKUP_SECRET = "a backup passphrase for the test"
NEW_MACHINE = {
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    "LEARNER_WALLET_PASSPHRASE": "the new laptop's passphrase",
}


async def _prove_course(
    learner: WalletCli, verifier: VerifierPeer, connection_id: str, credential_id: str
) -> dict[str, Any]:
    """The verifier asks for the course title on `connection_id`; the learner approves."""
    pres_ex_id = await verifier.request_proof_anoncreds(
        connection_id, {"course": {"name": "course_title"}}, name="Course check"
    )
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    decision = {"choices": {"course": {"credential_id": credential_id}}}
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve", decision)
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    return record


def _bad_copies_change_nothing(new: WalletCli, out: Path, tmp_path: Path) -> None:
    """The real wallet's backup, cut short, with one bit flipped, and into a full dir."""
    data = out.read_bytes()
    cut = tmp_path / "cut.lwbackup"
    cut.write_bytes(data[: len(data) * 2 // 3])
    flipped = tmp_path / "flipped.lwbackup"
    flipped.write_bytes(data[:-5000] + bytes([data[-5000] ^ 0x01]) + data[-4999:])
    secret = {"LEARNER_WALLET_BACKUP_PASSPHRASE": BACKUP_SECRET}
    for spoiled in (cut, flipped):
        refused = new.run("restore", str(spoiled), **secret)
        assert refused.returncode == exit_codes.BACKUP_DAMAGED, refused.stderr
        assert "Nothing was changed" in refused.stderr and not new.data_dir.exists()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    refused = new.run("restore", str(out), "--data-dir", str(taken), **secret)
    assert refused.returncode == exit_codes.DATA_DIR_TAKEN, refused.stderr
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    assert out.read_bytes() == data


def _a_killed_restore_leaves_no_wallet(new: WalletCli, out: Path) -> None:
    """`kill -9` while the real restore writes: no wallet, and the next restore tidies up."""
    process = subprocess.Popen(
        [*CLI, "restore", str(out)],
        env={**new.env, "LEARNER_WALLET_BACKUP_PASSPHRASE": BACKUP_SECRET},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = f".{new.data_dir.name}.restoring-"
    parent = new.data_dir.parent
    while not any(p.name.startswith(staging) for p in parent.iterdir()):  # re-keying: ~1 s
        assert process.poll() is None, "the restore ended before it was killed"
        time.sleep(0.005)
    process.kill()
    assert process.wait(30) == -9
    assert not new.data_dir.exists()


def _shared(entry: dict[str, Any]) -> tuple[Any, ...]:
    """What was shared, with whom (the outcome may move on: the verifier's ack comes later)."""
    return entry["entry_id"], entry["exchange_id"], entry["verifier"], entry["credentials"]


async def test_a_restored_wallet_keeps_its_credential_history_and_connections(
    issuer: IssuerPeer, verifier: VerifierPeer, didweb_host: DidWebHostProcess, tmp_path: Path
) -> None:
    old = await asyncio.to_thread(start_learner, tmp_path / "old", didweb_host)
    try:
        issuer_connection = await connect(old, issuer)
        credential_id = await issue_anoncreds(issuer, old, issuer_connection)
        verifier_connection = await connect(old, verifier)
        await _prove_course(old, verifier, verifier_connection, credential_id)
        history = await api_ok(old, "GET", "/api/history")
        out = tmp_path / "backups" / "wallet.lwbackup"
        out.parent.mkdir()
        made = await asyncio.to_thread(
            old.run, "backup", "--out", str(out), LEARNER_WALLET_BACKUP_PASSPHRASE=BACKUP_SECRET
        )
        assert made.returncode == 0, made.stderr
        assert "The wallet was running" in made.stdout
    finally:
        await asyncio.to_thread(old.kill)

    new = WalletCli(tmp_path / "new", **didweb_host.agent_env, **NEW_MACHINE)
    wrong = await asyncio.to_thread(
        new.run, "restore", str(out), LEARNER_WALLET_BACKUP_PASSPHRASE="not the passphrase"
    )
    assert wrong.returncode == exit_codes.WRONG_KEY and not new.data_dir.exists()
    await asyncio.to_thread(_bad_copies_change_nothing, new, out, tmp_path)
    await asyncio.to_thread(_a_killed_restore_leaves_no_wallet, new, out)
    restored = await asyncio.to_thread(
        new.run,
        "restore",
        str(out),
        "--data-dir",
        str(new.data_dir),
        LEARNER_WALLET_BACKUP_PASSPHRASE=BACKUP_SECRET,
    )
    assert restored.returncode == 0, restored.stderr
    assert "Removed what an interrupted restore had left" in restored.stdout
    assert "keeps receiving on port" in restored.stdout
    assert "Never run both" in restored.stdout and "still on this computer" in restored.stdout
    try:
        await asyncio.to_thread(new.start)
        await asyncio.to_thread(wait_for, lambda: new.status()["ready"], "the restored wallet")
        listed = await api_ok(new, "GET", "/api/credentials")
        assert [c["id"] for c in listed["items"]] == [f"anoncreds:{credential_id}"], listed
        entries = (await api_ok(new, "GET", "/api/history"))["entries"]
        assert [_shared(e) for e in entries] == [_shared(e) for e in history["entries"]]

        await _prove_course(new, verifier, verifier_connection, credential_id)

        await issuer.offer_anoncreds(issuer_connection, {**COURSE, "score": "91"})
        second = await accept_next_offer(new)
        assert second["credential_id"] != f"anoncreds:{credential_id}"

        async def two_listed() -> bool:
            return (await api_ok(new, "GET", "/api/credentials"))["total"] == 2

        await poll_until("both credentials listed", two_listed, DEADLINE)
    finally:
        await asyncio.to_thread(new.kill)
