"""Test-only ACA-Py plugin: an inviter that answers DID exchange like Credo-ts 0.5.

Credo's DID exchange response carries `~thread.thid` but no `pthid`. Loaded into a test
peer (never into the wallet), this strips `pthid` from every response the peer creates,
so the learner's agent meets the same message shape as from a real Credo inviter.
"""

from __future__ import annotations

from typing import Any


async def setup(context: Any) -> None:
    from acapy_agent.protocols.didexchange.v1_0.manager import DIDXManager

    original = DIDXManager.create_response
    if getattr(original, "strips_pthid", False):
        return

    async def create_response(self: DIDXManager, *args: Any, **kwargs: Any) -> Any:
        response = await original(self, *args, **kwargs)
        if response._thread is not None:
            response.assign_thread_id(thid=response._thread.thid)
        return response

    create_response.strips_pthid = True  # type: ignore[attr-defined]
    DIDXManager.create_response = create_response  # type: ignore[method-assign]
