"""Admin route: finish a credential store that a crash cut off (see `store_resume.py`).

The learner's controller calls it at start-up, after ACA-Py restarts and for exchanges that
stand at `credential-received` longer than a store takes. Calling it again is harmless.
ACA-Py's admin API key guards it like any other route.
"""

from __future__ import annotations

from typing import Any

from acapy_agent.admin.request_context import AdminRequestContext
from acapy_agent.storage.error import StorageNotFoundError
from aiohttp import web

from .store_resume import finish_store

ROUTE = "/learner-wallet/issue-credential/records/{cred_ex_id}/finish-store"
DEFAULT_MIN_IDLE = 10.0


async def finish_store_route(request: web.Request) -> web.Response:
    """`{"min_idle": seconds}` (optional) → `{"outcome", "state", "credential_id", "error"}`."""
    context: AdminRequestContext = request["context"]
    outbound_handler = request["outbound_message_router"]
    try:
        body = await request.json() if request.can_read_body else {}
        min_idle = float((body or {}).get("min_idle", DEFAULT_MIN_IDLE))
    except (ValueError, TypeError, AttributeError):
        raise web.HTTPBadRequest(reason="min_idle must be a number of seconds") from None

    async def send_report(message: Any, connection_id: str | None) -> None:
        await outbound_handler(message, connection_id=connection_id)

    try:
        result = await finish_store(
            context.profile, request.match_info["cred_ex_id"], max(0.0, min_idle), send_report
        )
    except StorageNotFoundError as error:
        raise web.HTTPNotFound(reason=error.roll_up) from None
    return web.json_response(result.serialize())


async def register(app: web.Application) -> None:
    """Called by ACA-Py's plugin registry when it builds the admin server."""
    app.add_routes([web.post(ROUTE, finish_store_route)])
