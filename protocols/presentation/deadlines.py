"""Deadlines for approved exchanges: ACA-Py waits for a verifier forever, the learner should not.

An exchange that reaches no end within `exchange_timeout` after approval is re-read and,
if still unfinished, shown as failed (in the request list and in history) with the state
it stopped in, e.g. `presentation-sent` when the verifier never answered.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agent.admin_client import AdminApiError
from agent.events import AgentEvent
from protocols.consent import VerifierInfo
from protocols.presentation.pending import PendingRequest, RequestStatus
from wallet.history import History, HistoryError

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

TERMINAL_STATES = frozenset({"done", "abandoned", "deleted"})


class Deadlines:
    """One timer per approved exchange; on expiry the exchange is re-read and, if it is
    still not finished, shown as failed at the state it stopped in."""

    def __init__(self, services: WalletServices) -> None:
        self._services = services
        self._timers: dict[str, asyncio.Task[None]] = {}

    def watch(self, exchange_id: str, since: datetime) -> None:
        if exchange_id in self._timers:
            return
        timeout = self._services.settings.exchange_timeout
        left = timeout - (datetime.now(UTC) - since).total_seconds()
        self._timers[exchange_id] = asyncio.create_task(
            self._expire(exchange_id, max(left, 0.0), timeout), name=f"deadline {exchange_id}"
        )

    def cancel(self, exchange_id: str) -> None:
        timer = self._timers.pop(exchange_id, None)
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()

    def cancel_all(self) -> None:
        for exchange_id in list(self._timers):
            self.cancel(exchange_id)

    async def _expire(self, exchange_id: str, delay: float, allowed: float) -> None:
        await asyncio.sleep(delay)  # a deadline, not a wait for a state
        self._timers.pop(exchange_id, None)
        services = self._services
        with contextlib.suppress(AdminApiError):
            record = await services.client.presentation_exchange(exchange_id)
            if record.state in TERMINAL_STATES:
                return
            await self._fail(exchange_id, record.state or "unknown", allowed)

    async def _fail(self, exchange_id: str, state: str, allowed: float) -> None:
        services = self._services
        detail = (
            f"The verifier did not finish the exchange within {allowed:g} s; it stopped at {state}."
        )
        async with services.requests.lock(exchange_id):
            known = services.requests.get(exchange_id)
            if known is None:
                services.requests.put(_failed_placeholder(exchange_id, state, detail))
            else:
                services.requests.update(
                    exchange_id, status=RequestStatus.FAILED, state=state, detail=detail
                )
        if services.store is not None:
            with contextlib.suppress(HistoryError):
                await History(services.store).set_outcome(exchange_id, "failed", detail)
        payload = {"exchange_id": exchange_id, "state": state}
        services.bus.publish(AgentEvent(topic="request_failed", payload=payload, source="wallet"))


def _failed_placeholder(exchange_id: str, state: str, detail: str) -> PendingRequest:
    return PendingRequest(
        exchange_id=exchange_id,
        state=state,
        status=RequestStatus.FAILED,
        verifier=VerifierInfo(label="a verifier"),
        request_name="Proof request",
        detail=detail,
    )
