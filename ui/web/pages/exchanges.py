"""The two prompts: a credential offer to accept or decline, a proof request to consent to."""

from __future__ import annotations

from aiohttp import web

from ui.web.pages.local_api import local_api
from ui.web.pages.render import render
from ui.web.pages.stacks import request_stack
from ui.web.pages.trust import trust_of


async def offer(request: web.Request) -> web.Response:
    offer_id = request.match_info["offer_id"]
    answer = await local_api(request).get_one("offers", offer_id)
    body = answer.record
    return render(
        request,
        "offer.html",
        status=answer.status,
        answer=answer,
        offer=body,
        offer_id=offer_id,
        issuer_trust=trust_of(request, body.get("issuer_did")),
    )


async def consent(request: web.Request) -> web.Response:
    request_id = request.match_info["request_id"]
    answer = await local_api(request).get_one("requests", request_id)
    body = answer.record
    return render(
        request,
        "consent.html",
        status=answer.status,
        answer=answer,
        record=body,
        prompt=body.get("prompt"),
        request_id=request_id,
        draws_on=await request_stack(request, body.get("prompt")),
    )
