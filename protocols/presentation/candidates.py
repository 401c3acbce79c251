"""Every credential that could answer a request, fetched from ACA-Py without missing any.

ACA-Py 1.7's candidates route returns 10 per referent by default, ignores `offset` for
DIF descriptors, and ANDs an AnonCreds request's restriction list (the rule is OR), so:
page AnonCreds by offset until no referent fills a page, ask DIF once with a large limit
(repeats are de-duplicated by the engine), and where a referent has several restrictions
also offer the wallet's AnonCreds credentials, which the engine checks itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from agent.admin_client import AdminClient
from protocols.consent.request import AttributeSpec, PredicateSpec, ProofRequest

PAGE = 1000
MAX_PAGES = 20
WALLET_PAGE = 500


async def fetch_candidates(
    client: AdminClient, exchange_id: str, request: ProofRequest
) -> list[dict[str, Any]]:
    """The route's candidates, page by page, plus the wallet's AnonCreds where needed."""
    found: list[dict[str, Any]] = []
    offset = 0
    for _ in range(MAX_PAGES):
        page = await client.presentation_candidates(exchange_id, limit=PAGE, offset=offset)
        found += page
        per_referent = Counter(
            referent
            for entry in page
            if "cred_info" in entry
            for referent in entry.get("presentation_referents") or []
        )
        if not per_referent or max(per_referent.values()) < PAGE:
            break
        offset += PAGE
    if has_alternative_restrictions(request):
        found += await wallet_anoncreds(client)
    return found


def has_alternative_restrictions(request: ProofRequest) -> bool:
    """Whether some AnonCreds item allows any one of several restrictions."""
    if request.anoncreds is None:
        return False
    specs: list[AttributeSpec | PredicateSpec] = [
        *request.anoncreds.requested_attributes.values(),
        *request.anoncreds.requested_predicates.values(),
    ]
    return any(len(spec.restrictions) > 1 for spec in specs)


async def wallet_anoncreds(client: AdminClient) -> list[dict[str, Any]]:
    """All stored AnonCreds credentials, shaped like the route's entries (no referents)."""
    entries: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = await client.list_anoncreds_credentials(offset=offset, limit=WALLET_PAGE)
        entries += [{"cred_info": info.model_dump(), "presentation_referents": []} for info in page]
        if len(page) < WALLET_PAGE:
            return entries
        offset += WALLET_PAGE
