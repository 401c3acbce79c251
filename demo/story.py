"""The guided demo: a university and an employer, played by the same peers the tests use.

`DemoStory` starts the did:web host, "Open Learning Institute", "Employer" and (in `pickup`
delivery, the default) "Campus Mediator" under one directory. In `pickup` the learner's
wallet starts with the mediator's invitation, so it receives everything over the one
WebSocket it opens to the mediator, as a learner at home behind a router would. The story
moves on when asked (by the UI's demo panel or by `--auto`):
1. the institute's invitation, 2. its three offers, 3. the employer's invitation, then
request 1 (AnonCreds, a predicate) and, once answered, request 2 (DIF, BBS).
The learner's side is never touched here: the learner answers in the wallet, which starts
with the demo's own trust list (`trust_list()`: the institute on it, the employer not).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from agent.admin_client import AdminClient
from config.settings import Delivery
from demo.peer_agent import PeerAgent, invitation_msg_id, poll_until
from demo.peer_ws_mediator import WsMediator, start_ws_mediator
from demo.peers import (
    MEDIATOR_LABEL,
    SAMPLE_BADGE,
    SAMPLE_MICROCREDENTIAL,
    DidWebHostProcess,
    IssuerPeer,
    VerifierPeer,
    start_didweb_host,
    start_issuer,
    start_verifier,
)
from demo.story_requests import (
    COURSE_RESULT,
    ProofResult,
    anoncreds_result,
    course_request,
    dif_result,
    skills_definition,
)
from demo.trust_list import university_entries, write_trust_list
from protocols.connections.mediation_ready import default_mediation_granted

LOGGER = logging.getLogger(__name__)
CONNECT_DEADLINE = 60.0
MEDIATION_DEADLINE = 90.0  # the learner's agent starts, connects and is granted mediation
ANSWER_DEADLINE = 30 * 60.0  # a person reads the consent prompt: give them time
OFFER_TITLES = (
    "Course result (AnonCreds)",
    "Open Badge 3.0: Data Literacy Foundations",
    "Micro-credential (BBS, selectively disclosable)",
)
StepStatus = Literal["todo", "running", "done", "failed"]


class DemoStepError(Exception):
    """A step cannot run now (the peer is not connected yet, or the step is unknown)."""


class DemoState(BaseModel):
    """What the panel shows: where each step stands and what the employer received."""

    steps: dict[int, StepStatus]
    problem: str | None = None
    results: list[ProofResult] = []


class DemoStory:
    """The demo's peers and the story's progress; stop everything with `stop()`."""

    def __init__(self, base_dir: Path, delivery: Delivery = "pickup") -> None:
        self.base_dir = base_dir
        self.delivery: Delivery = delivery
        self.host: DidWebHostProcess | None = None
        self.issuer: IssuerPeer | None = None
        self.verifier: VerifierPeer | None = None
        self.mediator: WsMediator | None = None
        self.steps: dict[int, StepStatus] = {1: "todo", 2: "todo", 3: "todo"}
        self.problem: str | None = None
        self.results: list[ProofResult] = []
        self._invitations: dict[str, str] = {}  # peer label -> latest invitation msg id
        self._tasks: dict[str, asyncio.Task[None]] = {}  # "institute", "employer"

    async def start(self) -> None:
        """Start the host, then the institute, the employer and the mediator side by side."""
        self.host = await start_didweb_host(self.base_dir / "didweb")
        issuer, verifier, mediator = await asyncio.gather(
            start_issuer(self.base_dir, self.host),
            start_verifier(self.base_dir, self.host),
            self._start_mediator(),
            return_exceptions=True,
        )
        if isinstance(issuer, IssuerPeer):
            self.issuer = issuer
        if isinstance(verifier, VerifierPeer):
            self.verifier = verifier
        if isinstance(mediator, WsMediator):
            self.mediator = mediator
        for outcome in (issuer, verifier, mediator):
            if isinstance(outcome, BaseException):
                raise outcome

    async def _start_mediator(self) -> WsMediator | None:
        if self.delivery != "pickup":
            return None
        return await start_ws_mediator(self.base_dir, MEDIATOR_LABEL)

    async def mediator_invitation(self) -> str | None:
        """The invitation the learner's wallet starts with in `pickup`; None in `direct`."""
        if self.mediator is None:
            return None
        return await self.mediator.invitation_url_for_learner()

    async def trust_list(self) -> Path:
        """The demo's own trust list (demo/trust_list.py): the university with a lasting
        invitation, so a prompt that lacks its credential can offer to connect to it."""
        issuer = self._issuer()
        invitation = await issuer.create_invitation(multi_use=True)
        return write_trust_list(self.base_dir, university_entries(issuer, invitation))

    async def wait_learner_receiving(self, learner: AdminClient) -> None:
        """In `pickup`, until the learner's agent holds its granted mediation.

        Before that, an invitation the learner accepts would name no way to reach them.
        """
        if self.mediator is None:
            return

        await poll_until(
            "the learner's mediation at the demo's mediator",
            lambda: default_mediation_granted(learner),
            MEDIATION_DEADLINE,
        )

    async def stop(self) -> None:
        """Stop the story's task and every process, each by its own handle."""
        for task in self._tasks.values():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        peers = [p for p in (self.issuer, self.verifier, self.mediator) if p is not None]
        await asyncio.gather(*(p.stop() for p in peers), return_exceptions=True)
        if self.host is not None:
            await self.host.stop()

    @property
    def pids(self) -> dict[str, int]:
        """Every process the story started (for the summary and the tests)."""
        found = {"did:web host": self.host.pid if self.host else None}
        found["institute"] = self.issuer.pid if self.issuer else None
        found["employer"] = self.verifier.pid if self.verifier else None
        found["mediator"] = self.mediator.peer.pid if self.mediator else None
        return {name: pid for name, pid in found.items() if pid}

    @property
    def agent_env(self) -> dict[str, str]:
        """The environment an agent needs to resolve the institute's did:web (its test CA)."""
        return self.host.agent_env if self.host else {}

    async def state(self) -> DemoState:
        """The story so far; step 1 is done once the institute sees an active connection."""
        if self.steps[1] == "running" and self.issuer is not None:
            msg_id = self._invitations.get(self.issuer.label, "")
            record = await self.issuer.connection_for(msg_id)
            if record and record.get("state") == "active":
                self.steps[1] = "done"
        return DemoState(steps=dict(self.steps), problem=self.problem, results=list(self.results))

    async def institute_invitation(self) -> str:
        """Step 1: the institute's invitation, for the learner to accept in the wallet."""
        return await self._invite(self._issuer(), 1)

    async def send_offers(self) -> list[str]:
        """Step 2: once connected, the institute offers three credentials, one at a time.

        The next offer waits until the learner has answered the previous one: a person
        reads one prompt at a time, and the learner's agent is spared a burst of offers.
        """
        issuer = self._issuer()
        connection_id = await self._connection(issuer)
        self.steps[1] = "done"
        self.steps[2] = "running"
        self.problem = None
        self._replace_task(self._institute_offers(issuer, connection_id), "institute")
        return list(OFFER_TITLES)

    async def _institute_offers(self, issuer: IssuerPeer, connection_id: str) -> None:
        answered = ("credential-issued", "done", "abandoned", "declined")
        offers = (
            lambda: issuer.offer_anoncreds(connection_id, COURSE_RESULT),
            lambda: issuer.offer_ld_credential(connection_id, "openbadge", SAMPLE_BADGE),
            lambda: issuer.offer_ld_credential(connection_id, "bbs", SAMPLE_MICROCREDENTIAL),
        )
        try:
            for offer in offers:
                cred_ex_id = await offer()
                await issuer.wait_state("credential", cred_ex_id, answered, ANSWER_DEADLINE)
            self.steps[2] = "done"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # shown in the panel; the demo keeps running
            LOGGER.warning("the institute's part of the demo failed: %s", error)
            self.problem = str(error)
            self.steps[2] = "failed"

    async def employer_invitation(self) -> str:
        """Step 3: the employer's invitation; once accepted, it sends request 1, then 2."""
        verifier = self._verifier()
        url = await self._invite(verifier, 3)
        self.results = []
        self.problem = None
        self._replace_task(self._employer_asks(verifier), "employer")
        return url

    async def wait_finished(self, timeout: float) -> list[ProofResult]:  # noqa: ASYNC109
        """Both presentations verified or refused (for `--auto`); raises TimeoutError."""
        task = self._tasks.get("employer")
        if task is None:
            raise DemoStepError("the employer was not invited yet")
        await asyncio.wait_for(asyncio.shield(task), timeout)
        return list(self.results)

    def _replace_task(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """One background task per peer; running a step again replaces it."""
        old = self._tasks.pop(name, None)
        if old is not None:
            old.cancel()
        self._tasks[name] = asyncio.create_task(work, name=name)

    async def _invite(self, peer: PeerAgent, step: int) -> str:
        url = await peer.create_invitation()
        self._invitations[peer.label] = invitation_msg_id(url)
        self.steps[step] = "running"
        return url

    async def _connection(self, peer: PeerAgent) -> str:
        msg_id = self._invitations.get(peer.label)
        if msg_id is None:
            raise DemoStepError(f"connect to {peer.label} first")
        record = await peer.wait_connection_active(msg_id, CONNECT_DEADLINE)
        return str(record["connection_id"])

    async def _employer_asks(self, verifier: VerifierPeer) -> None:
        """Request 1, wait for its answer, then request 2; results appear as they come."""
        try:
            connection_id = await self._connection(verifier)
            issuer = self._issuer()
            request = course_request(issuer.cred_def_id)
            pres_ex_id = await verifier.request_proof_anoncreds(connection_id, **request)
            await self._follow(verifier, pres_ex_id, "anoncreds")
            # No comment: the definition's name and purpose say it all (a comment that
            # only rephrased the purpose made the learner read the same reason twice).
            pres_ex_id = await verifier.request_proof_dif(connection_id, skills_definition())
            await self._follow(verifier, pres_ex_id, "dif")
            self.steps[3] = "done"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # shown in the panel; the demo keeps running
            LOGGER.warning("the employer's part of the demo failed: %s", error)
            self.problem = str(error)
            self.steps[3] = "failed"

    async def _follow(self, verifier: VerifierPeer, pres_ex_id: str, kind: str) -> None:
        """Show the request as pending, then the verifier's verdict once it has one."""
        index = len(self.results)
        read = anoncreds_result if kind == "anoncreds" else dif_result
        self.results.append(read(await verifier.pres_record(pres_ex_id)))
        record = await verifier.wait_state(
            "presentation", pres_ex_id, {"done", "abandoned"}, ANSWER_DEADLINE
        )
        self.results[index] = read(record)

    def _issuer(self) -> IssuerPeer:
        if self.issuer is None:
            raise DemoStepError("the institute is not running")
        return self.issuer

    def _verifier(self) -> VerifierPeer:
        if self.verifier is None:
            raise DemoStepError("the employer is not running")
        return self.verifier
