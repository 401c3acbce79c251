"""Fills a real wallet with many real credentials, once, and keeps it under bench/.cache.

W3C credentials are signed by the issuer's ACA-Py (`/vc/credentials/issue`, Ed25519) and
stored, verified, by the wallet's own ACA-Py (`/vc/credentials/store`), several at a time;
the wallet indexes them when it next starts, as it would after a restore. A share are
AnonCreds, issued over DIDComm and accepted by the wallet itself (auto-accept for this
issuer), so both stores and both index paths hold real data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from agent.admin_client import AdminApiError
from agent.admin_models import DidCreateRequest
from bench.flows import ISSUE, offer
from bench.holders import WalletHolder
from bench.hooks import HookBoard, state_is
from bench.peers import Peers
from demo.peer_agent import PeerAgent
from demo.peer_credentials import CREDENTIALS_V1, MICROCREDENTIAL_V1
from demo.peers import invitation_msg_id

LOGGER = logging.getLogger("bench")
SEED_VERSION = "seed-v1"  # change when what is seeded changes: old caches are then ignored
WORKERS = 4
RETRIES = 5
ANONCREDS_BATCH = 8
TOPICS = [
    "Data Literacy",
    "Statistics",
    "Welding Safety",
    "Spanish A2",
    "Python Programming",
    "First Aid",
    "Project Management",
    "Graphic Design",
    "Accounting",
    "Robotics",
    "Nursing Ethics",
    "Cloud Computing",
    "Carpentry",
    "Marketing",
    "Chemistry Lab",
]
PROVIDERS = ["Open Learning Institute", "City College", "Northern University",
             "Youth Skills Programme", "TechCamp"]  # fmt: skip


def anoncreds_share(size: int) -> int:
    """2.5 % AnonCreds (250 of 10,000), at least 20."""
    return max(20, size // 40)


def subject(index: int) -> dict[str, Any]:
    rng = random.Random(index)
    topic = TOPICS[index % len(TOPICS)]
    return {
        "courseTitle": f"{topic} {index // len(TOPICS) % 40 + 1}",
        "provider": PROVIDERS[index % len(PROVIDERS)],
        "score": rng.randint(40, 100),
        "completionDate": (datetime(2020, 1, 1) + timedelta(days=index % 2000)).date().isoformat(),
        "credits": rng.choice([1, 2, 5, 10]),
        "level": f"EQF {rng.randint(3, 7)}",
    }


def w3c_credential(issuer_did: str, holder_did: str, index: int) -> dict[str, Any]:
    return {
        "@context": [CREDENTIALS_V1, MICROCREDENTIAL_V1],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "MicroCredential"],
        "issuer": issuer_did,
        "issuanceDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"id": holder_did, **subject(index)},
    }


async def seed_wallet(root: Path, hooks: HookBoard, peers: Peers, size: int) -> dict[str, Any]:
    """Make a wallet in `root` holding `size` credentials, indexed; returns what it holds."""
    started = time.perf_counter()
    wallet = WalletHolder(root, peers.host.agent_env)
    await wallet.init()
    await wallet.start(LEARNER_WALLET_AUTO_ACCEPT_ISSUERS=json.dumps([peers.issuer.didweb_did]))
    try:
        connection_id = await connect_wallet(wallet, hooks, peers.issuer, "issuer")
        anon = anoncreds_share(size)
        await _seed_anoncreds(hooks, peers, connection_id, anon)
        await _seed_w3c(wallet, peers, size - anon)
    finally:
        await wallet.stop()
    await wallet.start()  # indexes the stored W3C credentials at start-up
    try:
        await wait_indexed(wallet, size)
    finally:
        await wallet.stop()
    return {
        "version": SEED_VERSION,
        "size": size,
        "anoncreds": anon,
        "cred_def_id": peers.cred_def_id,
        "issuer_did": peers.issuer.ed25519_did,
        "seconds": round(time.perf_counter() - started, 1),
    }


async def connect_wallet(wallet: WalletHolder, hooks: HookBoard, peer: PeerAgent, who: str) -> str:
    """Connect the wallet (through its JSON API) to a peer; the peer's connection id.

    `who` names the peer's webhook channel on the bench's hook board ("issuer", "verifier").
    """
    url = await peer.create_invitation()
    mark = hooks.mark()
    await wallet.api("POST", "/api/connections", {"invitation": url})
    match = state_is("active", invitation_msg_id=invitation_msg_id(url))
    hook = await hooks.wait(who, "connections", match, after=mark)
    return str(hook.payload["connection_id"])


async def _seed_anoncreds(hooks: HookBoard, peers: Peers, connection_id: str, count: int) -> None:
    """Offers in batches; the wallet accepts them itself; the issuer's `done` ends each."""
    from bench.flows import Stage

    stage = Stage(hooks, peers, None, None, None)  # type: ignore[arg-type]
    for first in range(0, count, ANONCREDS_BATCH):
        mark = hooks.mark()
        batch = range(first, min(first + ANONCREDS_BATCH, count))
        threads = [
            await offer(
                stage, connection_id, "anoncreds", course_title=f"Course {i}", score=i % 60 + 40
            )
            for i in batch
        ]
        for thread in threads:
            await hooks.wait(
                "issuer", ISSUE, state_is("done", thread_id=thread), after=mark, timeout=120
            )
        LOGGER.info("seeded %d of %d AnonCreds credentials", batch.stop, count)


async def _seed_w3c(wallet: WalletHolder, peers: Peers, count: int) -> None:
    admin = wallet.acapy_admin()
    # One subject for all seeded credentials: the wallet makes one per accepted offer, but
    # these are stored straight into ACA-Py (what a list or search reads is the same).
    made = await admin.create_did(DidCreateRequest(method="key", options={"key_type": "ed25519"}))
    holder_did = made.did
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)
    done = 0

    async def worker() -> None:
        nonlocal done
        while not queue.empty():
            index = queue.get_nowait()
            credential = w3c_credential(peers.issuer.ed25519_did, holder_did, index)
            body = {"credential": credential, "options": {"proofType": "Ed25519Signature2020"}}
            signed = await _retrying(
                partial(peers.issuer.call, "POST", "/vc/credentials/issue", body)
            )
            store = {"verifiableCredential": signed["verifiableCredential"]}
            await _retrying(partial(admin.request, "POST", "/vc/credentials/store", json=store))
            done += 1
            if done % 250 == 0:
                LOGGER.info("seeded %d of %d W3C credentials", done, count)

    try:
        await asyncio.gather(*(worker() for _ in range(WORKERS)))
    finally:
        await admin.close()


async def _retrying(call: Callable[[], Awaitable[Any]]) -> Any:
    """ACA-Py under load sometimes times out a store session (504): try again a few times.
    A credential stored by a try that only seemed to fail is a duplicate (400): that is done."""
    for attempt in range(1, RETRIES + 1):
        try:
            return await call()
        except AdminApiError as error:
            if error.status == 400 and "duplicate" in str(error).lower():
                return {}
            if attempt == RETRIES or (error.status is not None and error.status < 500):
                raise
            LOGGER.warning("retrying after: %s", error)
            await asyncio.sleep(attempt)  # back-off before trying again
    raise AssertionError("unreachable")


async def wait_indexed(wallet: WalletHolder, size: int, timeout: float = 3600.0) -> None:  # noqa: ASYNC109
    """Poll the wallet's own list until it counts `size` credentials."""
    deadline = time.monotonic() + timeout
    total = -1
    while time.monotonic() < deadline:
        total = (await wallet.api("GET", "/api/credentials?limit=1"))["total"]
        if total >= size:
            return
        await asyncio.sleep(1.0)
    raise TimeoutError(f"the wallet indexed {total} of {size} credentials in {timeout:g} s")
