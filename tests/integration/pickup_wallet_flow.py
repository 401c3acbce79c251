"""The whole wallet (`learner-wallet start`) in `pickup` delivery through a real mediator: the
steps of issue #15 points 4 and 5 that the Credo and the ACA-Py mediator modules share, and
the proof that nothing reached the learner except through its mediator socket (no tests here).

Everything the learner does goes through its JSON API, as the UI would; its own ACA-Py admin
API is read only to know ACA-Py's truth (mediation granted, DID exchange complete).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demo.peer_ws_mediator import WsMediator
from demo.peers import DidWebHostProcess, IssuerPeer, PeerAgent, VerifierPeer, poll_until
from protocols.connections.mediation_ready import default_mediation_granted
from tests.integration.conftest import start_learner
from tests.integration.pickup_learner import DIDCOMM_REQUEST, listening_sockets
from tests.integration.proof_peers import (
    DEADLINE,
    api_ok,
    learner_admin,
    request_at_learner,
    same_did,
)
from tests.integration.wallet_cli import WalletCli, pid_alive, wait_for

STOP_TIMEOUT = 90.0


@dataclass(frozen=True)
class MediatorSide:
    """What the learner is given (`invitation_url`) and what peers must be sent to."""

    invitation_url: str
    name: str
    endpoints: frozenset[str]  # where a peer sends to the learner: the mediator, never us

    @property
    def start_env(self) -> dict[str, str]:
        return {"LEARNER_WALLET_MEDIATOR_INVITATION": self.invitation_url}


async def acapy_mediator_side(mediator: WsMediator) -> MediatorSide:
    """A fresh learner invitation of the ACA-Py ws mediator, and where peers send through it."""
    url = await mediator.invitation_url_for_learner()
    return MediatorSide(url, mediator.peer.label, frozenset({mediator.http_endpoint}))


def start_mediated_learner(
    data_dir: Path, host: DidWebHostProcess, mediator: MediatorSide
) -> WalletCli:
    """`learner-wallet init` and `start` with the mediator's invitation (so `pickup`)."""
    return start_learner(data_dir, host, **mediator.start_env)


async def wait_delivery_connected(learner: WalletCli, mediator: MediatorSide) -> None:
    """Until /api/status says the mediator socket is up and mediation is granted over it."""

    async def connected() -> dict[str, Any] | None:
        delivery = (await api_ok(learner, "GET", "/api/status"))["delivery"]
        return delivery if delivery["state"] == "connected" else None

    delivery = await poll_until("the wallet to say it is connected to its mediator", connected)
    assert (delivery["mode"], delivery["mediator"]) == ("pickup", mediator.name), delivery
    async with learner_admin(learner) as admin:
        await poll_until(
            "mediation to be granted over the socket", lambda: default_mediation_granted(admin)
        )


async def connect_by_own_invitation(
    learner: WalletCli, peer: PeerAgent, mediator: MediatorSide
) -> str:
    """`peer` answers a fresh invitation of the learner's; the peer's connection id.

    Returns once the learner has handled the DID exchange `complete` too (its DID in short
    form): ACA-Py 1.7 never handles a `complete` again that a stop cut off half-way.
    """
    own = (await api_ok(learner, "POST", "/api/invitation"))["invitation"]
    [service] = own["services"]
    assert service["serviceEndpoint"] in mediator.endpoints, service
    assert service["routingKeys"], service  # peers send to the mediator, never to us
    oob = await peer.receive_invitation(own)
    theirs = await peer.wait_own_connection_active(oob["connection_id"])
    async with learner_admin(learner) as admin:

        async def completed() -> dict[str, Any] | None:
            found = await admin.request(
                "GET", "/connections", params={"invitation_msg_id": own["@id"]}
            )
            record = next(iter(found.get("results", [])), None)
            if record is None or record.get("state") != "active":
                return None
            assert same_did(record.get("their_did"), theirs.get("my_did")), (record, theirs)
            return record if str(record.get("my_did", "")).count(":") == 2 else None

        await poll_until(f"the learner to complete the DID exchange with {peer.label}", completed)
    return str(theirs["connection_id"])


async def pending_offers(learner: WalletCli) -> list[dict[str, Any]]:
    return list((await api_ok(learner, "GET", "/api/offers?state=pending"))["offers"])


async def accept_offer(learner: WalletCli, offer_id: str) -> str:
    """Accept one offer through the API; its stored credential's id."""
    await api_ok(learner, "POST", f"/api/offers/{offer_id}/accept")

    async def stored() -> str | None:
        current = await api_ok(learner, "GET", f"/api/offers/{offer_id}")
        assert current["state"] not in ("failed", "declined"), current
        done = current["state"] == "done" and current["credential_id"]
        return str(current["credential_id"]) if done else None

    return await poll_until(f"offer {offer_id} to be stored", stored, DEADLINE)


async def approve_and_verify(learner: WalletCli, verifier: VerifierPeer, pres_ex_id: str) -> str:
    """The request shows as a consent prompt; approved as the UI would, it is verified.

    Returns the learner's exchange id of the request."""
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert shown["answerable"] and shown["prompt"] and shown["default_decision"], shown
    assert shown["verifier"]["label"] == verifier.label, shown
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/approve")
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    return str(shown["exchange_id"])


async def stored_credential_ids(learner: WalletCli) -> Counter[str]:
    """How often each credential (`<format>:<id>`, as offers name it) is in the list."""
    page = await api_ok(learner, "GET", "/api/credentials?limit=100")
    assert page["total"] == len(page["items"]), page  # one page is all there is here
    return Counter(str(item["id"]) for item in page["items"])


async def wait_stored(learner: WalletCli, expected: Counter[str]) -> None:
    """Until the learner's list holds exactly `expected` (it follows ACA-Py's store)."""
    seen: list[Counter[str]] = []

    async def listed() -> bool:
        seen[:] = [await stored_credential_ids(learner)]
        return seen[0] == expected

    try:
        await poll_until("the stored credentials in /api/credentials", listed, DEADLINE)
    except TimeoutError:
        raise AssertionError(f"listed {seen}, expected {expected}") from None


def stop_wallet(learner: WalletCli) -> None:
    """`learner-wallet stop`, as a learner would; the wallet and its ACA-Py exit cleanly."""
    assert learner.process is not None
    acapy_pid = int(learner.run_facts()["acapy_pid"])
    result = learner.run("stop", timeout=STOP_TIMEOUT)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert learner.process.wait(STOP_TIMEOUT) == 0, "".join(learner.output)
    wait_for(lambda: not pid_alive(acapy_pid), "the learner's ACA-Py to exit", STOP_TIMEOUT)


def start_wallet_again(learner: WalletCli, mediator: MediatorSide) -> None:
    """`learner-wallet start` on the same data dir, with the same mediator setting."""
    learner.output.clear()  # so `start` waits for the new process's address line
    learner.start(**mediator.start_env)
    wait_for(lambda: learner.status()["ready"], "the learner's wallet to be ready again")


def acapy_ports(pid: int) -> tuple[int, int]:
    """(admin, inbound) ports from the learner's ACA-Py command line."""
    args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    admin = int(args[args.index("--admin") + 2])
    inbound = int(args[args.index("--inbound-transport") + 3])
    return admin, inbound


def assert_reached_only_through_mediator(learner: WalletCli) -> None:
    """No DIDComm came to the learner's loopback inbound port, and nothing else listens.

    ACA-Py's access log names every HTTP request (DIDComm arrives as `POST /`); the admin
    API's own lines in the same log show the check can see requests at all.
    """
    logs = sorted((learner.data_dir / "logs").glob("acapy-holder*.log"))
    assert logs, f"no ACA-Py log in {learner.data_dir / 'logs'}"
    lines = [line for log in logs for line in log.read_text(errors="replace").splitlines()]
    assert any("aiohttp.access" in line for line in lines), "the access log is off"
    reached = [line for line in lines if DIDCOMM_REQUEST.search(line)]
    assert reached == [], f"a peer reached the learner's own port: {reached[:3]}"
    pid = int(learner.run_facts()["acapy_pid"])
    admin, inbound = acapy_ports(pid)
    assert listening_sockets(pid) == {("127.0.0.1", admin), ("127.0.0.1", inbound)}


async def receive_and_prove(
    learner: WalletCli,
    mediator: MediatorSide,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
    course: dict[str, str],
) -> tuple[str, str]:
    """Point 4: issuer and verifier connect by the learner's invitations, an offer is stored
    and a request approved and verified, all through the mediator; (issuer's, verifier's)
    connection ids."""
    await wait_delivery_connected(learner, mediator)
    issuer_connection = await connect_by_own_invitation(learner, issuer, mediator)
    verifier_connection = await connect_by_own_invitation(learner, verifier, mediator)

    cred_ex_id = await issuer.offer_anoncreds(issuer_connection, course)
    thread_id = (await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"]

    async def offered() -> dict[str, Any] | None:
        return next((o for o in await pending_offers(learner) if o["thread_id"] == thread_id), None)

    offer = await poll_until("the offer at the learner", offered, DEADLINE)
    credential_id = await accept_offer(learner, offer["id"])
    await wait_stored(learner, Counter([credential_id]))

    ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        verifier_connection,
        {"course": {"name": "course_title", "restrictions": ours}},
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": ours}},
        name="Course check",
    )
    await approve_and_verify(learner, verifier, pres_ex_id)
    delivery = (await api_ok(learner, "GET", "/api/status"))["delivery"]
    assert delivery["last_message_at"], delivery  # the plugin saw them come on its socket
    assert_reached_only_through_mediator(learner)
    return issuer_connection, verifier_connection


async def offline_then_back(
    learner: WalletCli,
    mediator: MediatorSide,
    issuer: IssuerPeer,
    verifier: VerifierPeer,
    connections: tuple[str, str],
    course: dict[str, str],
) -> None:
    """Point 5: stopped wallet, two offers and a request wait at the mediator; back, each
    shows once, both credentials are stored once and the request is verified."""
    issuer_connection, verifier_connection = connections
    known_credentials = await stored_credential_ids(learner)
    stop_wallet(learner)

    offered = []
    for title in ("Statistics Basics", "Research Methods"):
        cred_ex_id = await issuer.offer_anoncreds(
            issuer_connection, {**course, "course_title": title}
        )
        offered.append((await issuer.cred_record(cred_ex_id))["cred_ex_record"]["thread_id"])
    ours = [{"cred_def_id": issuer.cred_def_id}]
    pres_ex_id = await verifier.request_proof_anoncreds(
        verifier_connection,
        {"course": {"name": "course_title", "restrictions": ours}},
        name="Offline check",
    )
    request_thread = (await verifier.pres_record(pres_ex_id))["thread_id"]

    await asyncio.to_thread(start_wallet_again, learner, mediator)
    await wait_delivery_connected(learner, mediator)

    async def all_arrived() -> list[dict[str, Any]] | None:
        pending = {o["thread_id"]: o for o in await pending_offers(learner)}
        requests = (await api_ok(learner, "GET", "/api/requests"))["requests"]
        here = all(t in pending for t in offered)
        if here and any(r["thread_id"] == request_thread for r in requests):
            return [pending[t] for t in offered]
        return None

    offers = await poll_until("two offers and a request after the restart", all_arrived)
    await assert_each_once(learner, offered, [request_thread])
    credential_ids = [await accept_offer(learner, offer["id"]) for offer in offers]
    exchange_id = await approve_and_verify(learner, verifier, pres_ex_id)

    await assert_each_once(learner, offered, [])  # an answered request leaves the list
    history = (await api_ok(learner, "GET", "/api/history"))["entries"]
    assert [e["exchange_id"] for e in history].count(exchange_id) == 1, history
    await wait_stored(learner, known_credentials + Counter(credential_ids))
    assert_reached_only_through_mediator(learner)


async def assert_each_once(
    learner: WalletCli, offer_threads: list[str], request_threads: list[str]
) -> None:
    """Each given thread is shown once, and no thread at all is shown twice."""
    offers = (await api_ok(learner, "GET", "/api/offers?limit=500"))["offers"]
    requests = (await api_ok(learner, "GET", "/api/requests"))["requests"]
    shown_offers = Counter(o["thread_id"] for o in offers)
    shown_requests = Counter(r["thread_id"] for r in requests)
    assert [shown_offers[t] for t in offer_threads] == [1] * len(offer_threads), offers
    assert [shown_requests[t] for t in request_threads] == [1] * len(request_threads), requests
    twice = [t for t, n in (shown_offers + shown_requests).items() if n > 1]
    assert twice == [], f"shown twice: {twice}"
