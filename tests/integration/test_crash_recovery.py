"""Issue #15, point 6 (a) made deterministic: the learner's ACA-Py dies (`kill -9`) after the
credential arrived and before its store finished; after the restart the wallet finishes the
store from ACA-Py's record, and the credential is in the learner's list, once.

How the gap is held open: the holder's store resolves the issuer's credential definition
and revocation registry from the did:web host, and this learner keeps no resolved objects
(`LEARNER_WALLET_DIDWEB_CACHE_TTL=0`), while the issuer kept them from a first credential.
This test has its own host and issuer, so it can freeze the host (SIGSTOP by its pid) once
the request is on its way: the issuer still issues, the credential arrives, ACA-Py records
it (`credential-received`) and its auto-store waits for the host. That is when the
learner's ACA-Py is killed. The issuer is frozen while the host is not yet, so its answer
cannot come before.

The issuer's HTTP POST of the credential was waiting for the learner's answer (our inbound
transport answers after handling), so the kill makes the issuer retry; the restarted agent
recognises the credential as handled and does not store it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from agent.admin_client import AdminClient
from demo.peers import DidWebHostProcess, IssuerPeer, poll_until, start_didweb_host, start_issuer
from tests.integration.conftest import start_learner
from tests.integration.proof_peers import api_ok, connect
from tests.integration.test_offers import COURSE, offer_in_state, shown_offer
from tests.integration.wallet_cli import WalletCli, pid_alive

pytestmark = pytest.mark.integration
DEADLINE = 60.0
LABEL = "Crash Test College"
NO_CACHE = {"LEARNER_WALLET_DIDWEB_CACHE_TTL": "0"}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def own_host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DidWebHostProcess]:
    """A did:web host of this module's own: freezing it touches no other test."""
    host = await start_didweb_host(tmp_path_factory.mktemp("crash-host"))
    try:
        yield host
    finally:
        await host.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def own_issuer(
    tmp_path_factory: pytest.TempPathFactory, own_host: DidWebHostProcess
) -> AsyncIterator[IssuerPeer]:
    issuer = await start_issuer(tmp_path_factory.mktemp("crash-issuer"), own_host, LABEL)
    try:
        yield issuer
    finally:
        await issuer.stop()


@contextlib.contextmanager
def frozen(pid: int) -> Iterator[None]:
    """SIGSTOP a process this test session started; SIGCONT it whatever happens."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def learner_admin(cli: WalletCli) -> AdminClient:
    """The learner's own ACA-Py admin API (key from its environment, port from its
    arguments), whichever process the wallet runs now (`agent_pid` changes on restart)."""
    pid = int(cli.status()["agent_pid"])
    key = cli.acapy_environ(pid)["ACAPY_ADMIN_API_KEY"]
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    port = int(args[args.index(b"--admin") + 2])
    return AdminClient(f"http://127.0.0.1:{port}", key)


async def learner_record(cli: WalletCli, thread_id: str) -> dict[str, Any] | None:
    """The learner's exchange as its own ACA-Py has it (not the wallet's view of it)."""
    async with await asyncio.to_thread(learner_admin, cli) as admin:
        body = await admin.request(
            "GET", "/issue-credential-2.0/records", params={"thread_id": thread_id}
        )
    results = body.get("results", [])
    return results[0]["cred_ex_record"] if results else None


async def test_a_credential_whose_store_a_crash_cut_off_is_stored_after_restart_once(
    tmp_path: Path, own_host: DidWebHostProcess, own_issuer: IssuerPeer
) -> None:
    cli = await asyncio.to_thread(start_learner, tmp_path / "learner", own_host, **NO_CACHE)
    try:
        await cut_off_then_recovered(cli, own_host, own_issuer)
    finally:
        await asyncio.to_thread(cli.kill)


async def cut_off_then_recovered(cli: WalletCli, host: DidWebHostProcess, issuer: IssuerPeer):
    connection_id = await connect(cli, issuer)
    await accepted_and_stored(cli, issuer, connection_id, "Ada")  # the issuer caches its objects
    cred_ex_id = await issuer.offer_anoncreds(connection_id, {**COURSE, "learner_name": "Grace"})
    shown = await shown_offer(cli, issuer, cred_ex_id)
    thread_id = shown["thread_id"]
    assert issuer.pid is not None
    with contextlib.ExitStack() as thawed_at_exit:
        with frozen(issuer.pid):
            await api_ok(cli, "POST", f"/api/offers/{shown['id']}/accept")
            await poll_until("the request sent", lambda: at_state(cli, thread_id, "request-sent"))
            thawed_at_exit.enter_context(frozen(host.pid))
        # The issuer answers now; the learner's store waits for the frozen host.
        await poll_until(
            "the credential at the learner, not stored",
            lambda: at_state(cli, thread_id, "credential-received"),
            DEADLINE,
        )
        old_pid = int((await asyncio.to_thread(cli.status))["agent_pid"])
        os.kill(old_pid, signal.SIGKILL)  # the learner's ACA-Py, by the pid the wallet runs
        await poll_until("the killed agent gone", lambda: gone(old_pid), DEADLINE)

    await poll_until("the wallet's agent back", lambda: agent_back(cli, old_pid), DEADLINE)
    done = await offer_in_state(cli, shown["id"], "done", "failed")
    assert done["state"] == "done" and done["credential_id"], done

    async def listed_grace() -> list[dict[str, Any]] | None:
        # The list is indexed from the store's event, a moment after the offer is done.
        return (await api_ok(cli, "GET", "/api/credentials?q=Grace"))["items"] or None

    listed = await poll_until("the credential in the learner's list", listed_grace, DEADLINE)
    assert [item["id"] for item in listed] == [done["credential_id"]], "one id form"
    async with await asyncio.to_thread(learner_admin, cli) as admin:
        stored = await admin.list_anoncreds_credentials(
            wql='{"attr::learner_name::value": "Grace"}'
        )
    assert [f"anoncreds:{c.referent}" for c in stored] == [done["credential_id"]], "stored once"
    await issuer.wait_state("credential", cred_ex_id, ["done"])  # the learner acknowledged it

    # The issuer's POST got no answer when the agent died, so it sends the credential again:
    # the restarted agent takes it as handled (200) instead of storing it a second time.
    log = Path(cli.data_dir) / "logs" / "acapy-holder.log"
    await poll_until(
        "the issuer's retry recognised as handled",
        lambda: logged(log, f"of thread {thread_id} was handled before"),
        DEADLINE,
    )
    assert logged_now(log, f"finished the interrupted store of {done['id']}: stored")
    async with await asyncio.to_thread(learner_admin, cli) as admin:
        again = await admin.list_anoncreds_credentials(wql='{"attr::learner_name::value": "Grace"}')
    assert len(again) == 1


async def accepted_and_stored(
    cli: WalletCli, issuer: IssuerPeer, connection_id: str, name: str
) -> dict[str, Any]:
    cred_ex_id = await issuer.offer_anoncreds(connection_id, {**COURSE, "learner_name": name})
    shown = await shown_offer(cli, issuer, cred_ex_id)
    await api_ok(cli, "POST", f"/api/offers/{shown['id']}/accept")
    return await offer_in_state(cli, shown["id"], "done")


async def at_state(cli: WalletCli, thread_id: str, state: str) -> bool:
    record = await learner_record(cli, thread_id)
    return record is not None and record["state"] == state


async def gone(pid: int) -> bool:
    return not pid_alive(pid)


async def agent_back(cli: WalletCli, old_pid: int) -> bool:
    status = await asyncio.to_thread(cli.status)
    return bool(status.get("ready")) and status.get("agent_pid") not in (None, old_pid)


async def logged(log: Path, text: str) -> bool:
    return logged_now(log, text)


def logged_now(log: Path, text: str) -> bool:
    return text in log.read_text(encoding="utf-8", errors="replace")
