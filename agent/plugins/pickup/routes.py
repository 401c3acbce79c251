"""Admin route: the delivery state, which the `pickup` webhook only hints at.

ACA-Py's admin API key guards it like every other route.
"""

from __future__ import annotations

from acapy_agent.admin.request_context import AdminRequestContext
from aiohttp import web

from .runtime import PickupRuntime
from .state import PickupState

ROUTE = "/learner-wallet/pickup"


async def pickup_status(request: web.BaseRequest) -> web.Response:
    """The current `PickupState`; `connecting` until the client has started."""
    context: AdminRequestContext = request["context"]
    runtime = context.profile.inject_or(PickupRuntime)
    client = runtime.client if runtime is not None else None
    state = client.reporter.state if client is not None else PickupState()
    return web.json_response(state.payload())


async def register(app: web.Application) -> None:
    """Called by ACA-Py's plugin registry when it builds the admin server."""
    app.add_routes([web.get(ROUTE, pickup_status, allow_head=False)])
