"""Hand one parsed message to ACA-Py and wait until it is handled, under its thread's lock.

For any inbound path that must not acknowledge before handling (the HTTP transport here; a
pickup client sending `messages-received` could use it too).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from acapy_agent.transport.inbound.manager import InboundTransportManager
from acapy_agent.transport.inbound.message import InboundMessage
from acapy_agent.transport.inbound.session import InboundSession
from acapy_agent.utils.task_queue import CompletedTask

from .duplicates import already_handled, thread_of
from .thread_locks import THREAD_LOCKS

LOGGER = logging.getLogger(__name__)
# Set on an InboundMessage whose handler raised (ACA-Py itself only logs it).
FAILURE_ATTRIBUTE = "learner_wallet_handling_error"


class Handling(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    FAILED = "failed"


def watch_handling_failures(manager: Any) -> None:
    """Let each message carry its handler's exception (ACA-Py passes it to the manager's
    `dispatch_complete` and drops it there). Installed once per manager instance."""
    if not isinstance(manager, InboundTransportManager) or "dispatch_complete" in vars(manager):
        return
    original = manager.dispatch_complete

    def dispatch_complete(message: InboundMessage, completed: CompletedTask) -> None:
        if completed.exc_info:
            setattr(message, FAILURE_ATTRIBUTE, completed.exc_info[1])
        original(message, completed)

    manager.dispatch_complete = dispatch_complete


async def handle_and_wait(session: InboundSession, inbound: InboundMessage) -> Handling:
    """Dispatch unless already handled; return once ACA-Py's handler has finished."""
    thread_id = thread_of(inbound)
    if thread_id is None:
        return await _dispatch(session, inbound)
    async with THREAD_LOCKS.hold(thread_id):
        if await already_handled(session.profile, inbound):
            LOGGER.info("message %s of thread %s was handled before", _id(inbound), thread_id)
            return Handling.DUPLICATE
        return await _dispatch(session, inbound)


async def _dispatch(session: InboundSession, inbound: InboundMessage) -> Handling:
    session.receive_inbound(inbound)
    await inbound.wait_processing_complete()
    error = getattr(inbound, FAILURE_ATTRIBUTE, None)
    if error is not None:
        LOGGER.warning("message %s not handled (%s): %s", _id(inbound), type(error).__name__, error)
        return Handling.FAILED
    return Handling.HANDLED


def _id(inbound: InboundMessage) -> str:
    payload = inbound.payload if isinstance(inbound.payload, dict) else {}
    return str(payload.get("@id", "?"))
