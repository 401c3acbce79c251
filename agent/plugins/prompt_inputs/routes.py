"""Admin route: a proof request's record, checks and candidates in one call (see __init__)."""

from __future__ import annotations

from acapy_agent.admin.request_context import AdminRequestContext
from aiohttp import web

ROUTE = "/learner-wallet/presentations/{pres_ex_id}/prompt-inputs"


async def prompt_inputs_route(request: web.Request) -> web.Response:
    """Query: `w3c_held` (the controller's count of W3C credentials, sizing the DIF search)
    and `index` (the parts its own index offers to answer: `anoncreds`, `dif`, comma
    separated). Answers `PromptInputs` (protocols/presentation/prompt_inputs.py); a record
    that does not exist is `{"record": null}`, so a 404 always means the route is missing."""
    from .inputs import prompt_inputs  # loaded by `warm_up` after start-up

    context: AdminRequestContext = request["context"]
    try:
        w3c_held = int(request.query.get("w3c_held", "0"))
    except ValueError:
        raise web.HTTPBadRequest(reason="w3c_held must be a whole number") from None
    offered = {part for part in request.query.get("index", "").split(",") if part}
    answer = await prompt_inputs(
        context.profile, request, request.match_info["pres_ex_id"], w3c_held, offered
    )
    return web.json_response(answer)


async def register(app: web.Application) -> None:
    """Called by ACA-Py's plugin registry when it builds the admin server."""
    app.add_routes([web.get(ROUTE, prompt_inputs_route, allow_head=False)])
