"""ACA-Py's candidate and credential routes, called in-process for one exchange.

Calling the route handlers themselves (on a clone of the incoming admin request, with a
new query) keeps their every rule: the proof-type checks, the error state and problem
report they leave on a request they cannot serve, the response shape. Only the HTTP hop
and its authentication are saved. An error they raise (`web.HTTPException`) goes out as
this route's answer, as it would have from theirs.
"""

from __future__ import annotations

import json
from typing import Any

from acapy_agent.holder.routes import credentials_list
from acapy_agent.protocols.present_proof.v2_0.routes import present_proof_credentials_list
from aiohttp import web


class InProcessCandidates:
    """`CandidateSource` (protocols/presentation/candidates.py) inside ACA-Py."""

    def __init__(self, request: web.Request) -> None:
        self._request = request  # its match_info names the exchange (`pres_ex_id`)

    async def page(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        answer = await _call(present_proof_credentials_list, self._request, limit, offset)
        return [item for item in answer or [] if isinstance(item, dict)]

    async def held_anoncreds(self, offset: int, limit: int) -> list[dict[str, Any]]:
        answer = await _call(credentials_list, self._request, limit, offset)
        return [item for item in (answer or {}).get("results", []) if isinstance(item, dict)]


async def _call(handler: Any, request: web.Request, limit: int, offset: int) -> Any:
    query = request.rel_url.with_query({"limit": str(limit), "offset": str(offset)})
    response = await handler(request.clone(rel_url=query))
    return json.loads(response.body) if response.body else None
