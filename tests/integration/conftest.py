"""Shared integration fixtures: the real peers (session-wide) and a fresh learner per test.

The peers come from `demo/peers.py`, the same code the demo runs. Everything started here
is stopped by its own process handle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from demo.peer_ws_mediator import WsMediator, start_ws_mediator
from demo.peers import (
    DidWebHostProcess,
    IssuerPeer,
    PeerAgent,
    VerifierPeer,
    start_didweb_host,
    start_issuer,
    start_mediator,
    start_verifier,
)
from demo.trust_list import university_entries, write_trust_list
from tests.integration.pickup_learner import WebhookSink
from tests.integration.wallet_cli import WalletCli, wait_for


@pytest.fixture
def wallet_cli(tmp_path: Path):
    """A fresh, initialized wallet in its own data dir; whatever it started is stopped."""
    cli = WalletCli(tmp_path / "wallet")
    result = cli.run("init")
    assert result.returncode == 0, result.stderr
    yield cli
    cli.kill()


@pytest.fixture(scope="session")
def peers_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Homes and logs of the session's peers (their logs help when a test fails)."""
    return tmp_path_factory.mktemp("peers")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def didweb_host(peers_dir: Path) -> AsyncIterator[DidWebHostProcess]:
    host = await start_didweb_host(peers_dir / "didweb")
    yield host
    await host.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def issuer(peers_dir: Path, didweb_host: DidWebHostProcess) -> AsyncIterator[IssuerPeer]:
    """Open Learning Institute: did:keys, did:web AnonCreds schema and revocable cred def."""
    peer = await start_issuer(peers_dir, didweb_host)
    yield peer
    await peer.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def verifier(peers_dir: Path, didweb_host: DidWebHostProcess) -> AsyncIterator[VerifierPeer]:
    peer = await start_verifier(peers_dir, didweb_host)
    yield peer
    await peer.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def mediator(peers_dir: Path) -> AsyncIterator[PeerAgent]:
    peer = await start_mediator(peers_dir)
    yield peer
    await peer.stop()


def start_learner(
    data_dir: Path, host: DidWebHostProcess, *args: str, **start_env: str
) -> WalletCli:
    """`learner-wallet init` and `start` in a fresh data dir, trusting the did:web host's CA.

    `start_env` (e.g. LEARNER_WALLET_MEDIATOR_INVITATION) reaches `start` only: `init`
    runs the agent once too and would use up a single-use mediator invitation.
    """
    cli = WalletCli(data_dir, **host.agent_env)
    result = cli.run("init")
    assert result.returncode == 0, result.stderr
    cli.start(*args, **start_env)
    wait_for(lambda: cli.status()["ready"], "the learner's wallet to be ready")
    return cli


def start_binding_learner(data_dir: Path, host: DidWebHostProcess, issuer: IssuerPeer) -> WalletCli:
    """A learner whose trust list says the issuer binds W3C credentials to the learner, as
    the demo's does: its requests are bound to a fresh did:key (issuance/binding.py)."""
    trust = write_trust_list(data_dir.parent / "trust", university_entries(issuer, None))
    return start_learner(data_dir, host, LEARNER_WALLET_TRUST_LIST=str(trust))


@pytest.fixture
def learner(tmp_path: Path, didweb_host: DidWebHostProcess) -> Iterator[WalletCli]:
    """The real wallet (`learner-wallet start`) for one test; its API via `learner.api(...)`."""
    cli = start_learner(tmp_path / "learner", didweb_host)
    try:
        yield cli
    finally:
        cli.kill()


@pytest_asyncio.fixture(loop_scope="session")
async def webhooks() -> AsyncIterator[WebhookSink]:
    """Where a bare learner's ACA-Py (the pickup tests') sends its webhooks."""
    sink = WebhookSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ws_mediator(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WsMediator]:
    """An ACA-Py mediator with a ws endpoint (no pickup protocol), one per test module."""
    mediator = await start_ws_mediator(tmp_path_factory.mktemp("ws-mediator"))
    yield mediator
    await mediator.stop()
