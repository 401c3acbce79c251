"""The two prompts: a credential offer to accept or decline, a proof request to consent to."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from ui.web.pages.local_api import local_api
from ui.web.pages.render import render
from ui.web.pages.trust import trust_of


async def offer(request: web.Request) -> web.Response:
    offer_id = request.match_info["offer_id"]
    answer = await local_api(request).get(f"/api/offers/{quote(offer_id, safe='')}")
    body: dict[str, Any] = answer.body if isinstance(answer.body, dict) else {}
    return render(
        request,
        "offer.html",
        status=200 if answer.ok else answer.problem.status,  # type: ignore[union-attr]
        answer=answer,
        offer=body,
        offer_id=offer_id,
        issuer_trust=trust_of(request, body.get("issuer_did")),
    )


async def consent(request: web.Request) -> web.Response:
    request_id = request.match_info["request_id"]
    answer = await local_api(request).get(f"/api/requests/{quote(request_id, safe='')}")
    body: dict[str, Any] = answer.body if isinstance(answer.body, dict) else {}
    return render(
        request,
        "consent.html",
        status=200 if answer.ok else answer.problem.status,  # type: ignore[union-attr]
        answer=answer,
        record=body,
        prompt=body.get("prompt"),
        request_id=request_id,
    )
