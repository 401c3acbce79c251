"""Automatic backups of the real running wallet: a credential arrives from the real issuer,
a fresh backup appears in the learner's folder by itself, and it restores with that
credential in it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aries_askar import Store

from config.data_dir import DataDir
from demo.peers import DidWebHostProcess, IssuerPeer, poll_until
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import DEADLINE, api_ok, connect, issue_anoncreds
from wallet.backup.restore import restore_backup
from wallet.key_check import store_uri
from wallet.wallet_key import load_key, load_wallet_record

pytestmark = pytest.mark.integration

PASSPHRASE = "the learner's backup passphrase"


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


async def _holds_credential(data_dir: DataDir, credential_id: str) -> bool:
    secret = load_key(data_dir, _no_prompt)
    name = load_wallet_record(data_dir).wallet_name
    store = await Store.open(
        store_uri(data_dir.acapy_wallet_dir(name)), secret.derivation, secret.key
    )
    try:
        async with store.session() as session:
            return await session.fetch("credential", credential_id) is not None
    finally:
        await store.close()


async def test_a_new_credential_is_backed_up_by_itself_and_restores(
    issuer: IssuerPeer, didweb_host: DidWebHostProcess, tmp_path: Path
) -> None:
    folder = tmp_path / "cloud"
    folder.mkdir()
    learner = await asyncio.to_thread(
        start_learner, tmp_path / "learner", didweb_host, LEARNER_WALLET_BACKUP_MIN_INTERVAL="1"
    )
    try:
        status = await api_ok(learner, "GET", "/api/backup")
        assert not status["automatic"] and status["automatic_off"] == "no_secret"
        chosen = {"passphrase": PASSPHRASE, "repeat": PASSPHRASE}
        await api_ok(learner, "POST", "/api/backup/passphrase", chosen)
        await api_ok(learner, "PUT", "/api/settings", {"backup_folder": str(folder)})
        assert (await api_ok(learner, "GET", "/api/backup"))["automatic"]

        connection = await connect(learner, issuer)
        before_issue = datetime.now(UTC)
        credential_id = await issue_anoncreds(issuer, learner, connection)

        async def listed() -> bool:
            page = await api_ok(learner, "GET", "/api/credentials")
            return f"anoncreds:{credential_id}" in [item["id"] for item in page["items"]]

        await poll_until("the credential in the learner's list", listed, DEADLINE)

        async def backed_up_since() -> dict[str, Any] | None:
            """The newest backup, once none is waiting or being written: it began after the
            credential was stored (a backup under way then is followed by another)."""
            status = await api_ok(learner, "GET", "/api/backup")
            last = status["last"]
            if status["waiting"] or status["underway"] or last is None:
                return None
            return last if datetime.fromisoformat(last["at"]) > before_issue else None

        last = await poll_until(
            "an automatic backup after the credential", backed_up_since, DEADLINE
        )
    finally:
        await asyncio.to_thread(learner.kill)

    assert last["automatic"] and last["folder"] == str(folder)
    backup = folder / last["file"]
    assert backup.stat().st_size == last["size"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no half files left

    restored = DataDir(tmp_path / "restored")
    await restore_backup(backup, restored, PASSPHRASE, _no_prompt)
    assert await _holds_credential(restored, credential_id)
