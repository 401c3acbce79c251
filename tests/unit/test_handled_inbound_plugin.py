"""The handled_inbound ACA-Py plugin's pure parts: which stored credential is the one a cut-off
store wrote, which messages count as handled, the per-thread lock, the idle rule, and that
ACA-Py resolves our transport from its module path. The whole path runs against real agents
in tests/integration/test_crash_recovery.py.

`data/anoncreds_issued_and_stored.json` holds two real AnonCreds credentials with equal
values from one credential definition, each as issued and as the holder stored it after
processing (made with the `anoncreds` library ACA-Py uses: Credential.create, .process).
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from acapy_agent.transport.inbound.base import BaseInboundTransport, InboundTransportSetupError
from acapy_agent.transport.inbound.manager import InboundTransportManager
from acapy_agent.transport.inbound.message import InboundMessage
from acapy_agent.transport.inbound.receipt import MessageReceipt
from acapy_agent.utils.classloader import ClassLoader
from acapy_agent.utils.task_queue import CompletedTask

from agent.plugins.handled_inbound import transport as transport_module
from agent.plugins.handled_inbound.duplicates import expectation_for
from agent.plugins.handled_inbound.handling import FAILURE_ATTRIBUTE, watch_handling_failures
from agent.plugins.handled_inbound.store_resume import PROCESS_STARTED, standing_still
from agent.plugins.handled_inbound.stored_copy import same_anoncreds_credential, same_ld_credential
from agent.plugins.handled_inbound.thread_locks import ThreadLocks
from agent.plugins.handled_inbound.transport import HandledHttpTransport
from config.acapy_args import HANDLED_INBOUND_TRANSPORT

PAIRS = json.loads(
    (Path(__file__).parent / "data" / "anoncreds_issued_and_stored.json").read_text()
)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_stored_anoncreds_credential_is_recognised_after_processing() -> None:
    issued, stored = PAIRS["issued"], PAIRS["stored"]
    assert issued["signature"] != stored["signature"]  # processing changed the signature
    assert same_anoncreds_credential(issued, stored)
    assert same_anoncreds_credential(PAIRS["other_issued"], PAIRS["other_stored"])


def test_another_issuance_with_equal_values_is_not_taken_for_it() -> None:
    issued, other = PAIRS["issued"], PAIRS["other_stored"]
    assert issued["values"] == other["values"] and issued["cred_def_id"] == other["cred_def_id"]
    assert not same_anoncreds_credential(issued, other)
    changed = copy.deepcopy(PAIRS["stored"])
    changed["values"]["score"]["raw"] = "99"
    assert not same_anoncreds_credential(issued, changed)
    assert not same_anoncreds_credential({"values": issued["values"]}, PAIRS["stored"])


def test_a_w3c_credential_is_recognised_by_its_issuers_proof() -> None:
    issued: dict[str, Any] = {
        "id": "urn:uuid:1",
        "credentialSubject": {"score": 87},
        "proof": {"type": "Ed25519Signature2020", "proofValue": "z3FXQ"},
    }
    assert same_ld_credential(issued, copy.deepcopy(issued))
    resigned = copy.deepcopy(issued)
    resigned["proof"]["proofValue"] = "z9ABC"
    assert not same_ld_credential(issued, resigned)
    assert not same_ld_credential({"id": "urn:uuid:1"}, {"id": "urn:uuid:1"})


def test_only_messages_that_start_or_carry_an_exchange_are_checked_for_duplicates() -> None:
    issue = expectation_for("https://didcomm.org/issue-credential/2.0/issue-credential")
    assert issue is not None and issue.expected == frozenset({"request-sent"})
    legacy = "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/issue-credential/2.0/offer-credential"
    offer = expectation_for(legacy)
    assert offer is not None and None in offer.expected
    request = expectation_for("https://didcomm.org/present-proof/2.0/request-presentation")
    assert request is not None and request.role == "prover"
    for other in ("https://didcomm.org/issue-credential/2.0/ack", "trust_ping/1.0/ping", None):
        assert expectation_for(other) is None


async def test_a_threads_lock_serialises_its_holders_and_is_forgotten_after() -> None:
    locks = ThreadLocks()
    order: list[str] = []
    entered = asyncio.Event()

    async def first() -> None:
        async with locks.hold("t1"):
            entered.set()
            order.append("first in")
            await asyncio.sleep(0.01)
            order.append("first out")

    async def second() -> None:
        await entered.wait()
        assert locks.busy("t1") and not locks.busy("t2")
        async with locks.hold("t1"):
            order.append("second in")

    await asyncio.gather(first(), second())
    assert order == ["first in", "first out", "second in"]
    assert not locks.busy("t1")


def test_a_record_stands_still_if_older_than_this_agent_or_idle_long_enough() -> None:
    assert standing_still(iso(PROCESS_STARTED - timedelta(seconds=1)), PROCESS_STARTED, 60)
    later = PROCESS_STARTED + timedelta(seconds=30)
    moved = iso(later - timedelta(seconds=2))
    assert not standing_still(moved, later, 5)
    assert standing_still(moved, later + timedelta(seconds=3), 5)
    assert standing_still(None, later, 5)


def test_a_handlers_exception_reaches_the_message() -> None:
    calls: list[str] = []
    manager = InboundTransportManager(None, lambda *args, **kwargs: None)  # type: ignore[arg-type]
    watch_handling_failures(manager)
    watch_handling_failures(manager)  # once per manager, however often the transport starts
    message = InboundMessage({"@type": "x"}, MessageReceipt())
    message.dispatch_processing_complete = lambda: calls.append("complete")  # type: ignore[method-assign]
    error = RuntimeError("storage closed")
    manager.dispatch_complete(message, CompletedTask(None, (RuntimeError, error, None), None))  # type: ignore[arg-type]
    assert getattr(message, FAILURE_ATTRIBUTE) is error and calls == ["complete"]
    fine = InboundMessage({"@type": "x"}, MessageReceipt())
    manager.dispatch_complete(fine, CompletedTask(None, None, None))  # type: ignore[arg-type]
    assert not hasattr(fine, FAILURE_ATTRIBUTE)


def test_acapy_resolves_the_transport_from_its_module_path() -> None:
    """As InboundTransportManager.register does for `--inbound-transport <module> ...`."""
    path = HANDLED_INBOUND_TRANSPORT
    package, module = path[: path.index(".")], path[path.index(".") + 1 :]
    resolved = ClassLoader.load_subclass_of(BaseInboundTransport, module, package)
    assert resolved is HandledHttpTransport
    assert path in sys.modules


async def test_a_taken_inbound_port_stops_the_agent_instead_of_running_unreachable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """ACA-Py would log the failure in a task and report ready with no way in (seen in CI)."""
    stopped: list[bool] = []
    monkeypatch.setattr(transport_module, "stop_agent", lambda: stopped.append(True))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        inbound = HandledHttpTransport("127.0.0.1", port, create_session=None)
        with pytest.raises(InboundTransportSetupError):
            await inbound.start()
    assert stopped == [True]
    # The controller reads this in the log and picks another port (agent/process.py).
    assert "address already in use" in caplog.text
