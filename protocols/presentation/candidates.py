"""Every credential that could answer a request, fetched from ACA-Py without missing any.

ACA-Py 1.7's candidates route returns 10 per referent by default, ignores `offset` for
DIF descriptors, filters DIF candidates only by proof type and schema (never by the
descriptor's fields), and ANDs an AnonCreds request's restriction list (the rule is OR), so:
page AnonCreds by offset until no referent fills a page; ask DIF with a limit above the
number of W3C credentials the wallet holds (the engine applies the field filters and drops
repeats), again at ACA-Py's maximum if that limit was reached, and if even the maximum is
reached say so (`dif_truncated`) instead of pretending the list is whole; where a referent
has several restrictions also offer the wallet's AnonCreds credentials, which the engine
checks itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from protocols.consent.request import AttributeSpec, DifRequest, PredicateSpec, ProofRequest

if TYPE_CHECKING:
    from agent.admin_client import AdminClient

# The wallet's own pre-filter for DIF (see narrowing.py): the entries, or None to ask ACA-Py.
Narrowing = Callable[[DifRequest], Awaitable[list[dict[str, Any]] | None]]
# The wallet's own AnonCreds candidates (see anoncreds_index.py), or None to ask ACA-Py.
IndexedAnonCreds = Callable[[ProofRequest], Awaitable[list[dict[str, Any]] | None]]
# The two halves of a request's candidates, each searched by ACA-Py or by the wallet.
Part = Literal["anoncreds", "dif"]
PAGE = 1000
MAX_PAGES = 20
WALLET_PAGE = 500
# ACA-Py's largest accepted `limit` (acapy_agent.storage.base.MAXIMUM_PAGE_SIZE, checked by
# the route's query schema in protocols/present_proof/v2_0/routes.py).
MAX_LIMIT = 10_000
# Room for W3C credentials stored since the index last counted them.
W3C_SLACK = 100


class CandidateSource(Protocol):
    """ACA-Py's answers for one exchange: over the admin API, or inside ACA-Py (the
    prompt-inputs plugin), so both run the same paging below."""

    async def page(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        """One answer of the candidates route (`limit` per referent and per descriptor)."""
        ...

    async def held_anoncreds(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """One page of every stored AnonCreds credential's `cred_info`."""
        ...


class AdminCandidates:
    """The candidates of one exchange through the admin API (two routes)."""

    def __init__(self, client: AdminClient, exchange_id: str) -> None:
        self._client = client
        self._exchange_id = exchange_id

    async def page(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        return await self._client.presentation_candidates(
            self._exchange_id, limit=limit, offset=offset
        )

    async def held_anoncreds(self, offset: int, limit: int) -> list[dict[str, Any]]:
        page = await self._client.list_anoncreds_credentials(offset=offset, limit=limit)
        return [info.model_dump() for info in page]


@dataclass
class FetchedCandidates:
    """The route's entries, and whether ACA-Py's cap may have hidden DIF matches."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    dif_truncated: bool = False
    dif_narrowed: bool = False
    anoncreds_indexed: bool = False


async def fetch_candidates(
    client: AdminClient,
    exchange_id: str,
    request: ProofRequest,
    *,
    w3c_held: int | None = None,
) -> list[dict[str, Any]]:
    """The candidates alone, all from ACA-Py's route (see `fetch_candidate_set`)."""
    found = await fetch_candidate_set(
        AdminCandidates(client, exchange_id), request, w3c_held=w3c_held
    )
    return found.entries


async def fetch_candidate_set(
    source: CandidateSource,
    request: ProofRequest,
    *,
    w3c_held: int | None = None,
    narrow: Narrowing | None = None,
    from_index: IndexedAnonCreds | None = None,
    count_w3c: Callable[[], Awaitable[int | None]] | None = None,
    skip: Collection[Part] = (),
) -> FetchedCandidates:
    """AnonCreds from `from_index` when it can, else page by page; DIF from `narrow` when it
    can, else in one call sized by `w3c_held` (the index's count, asked of `count_w3c` only
    when needed). Parts in `skip` were searched already (by the prompt-inputs plugin)."""
    found = FetchedCandidates()
    if request.anoncreds is not None and "anoncreds" not in skip:
        indexed = await from_index(request) if from_index is not None else None
        if indexed is not None:
            found.entries += indexed
            found.anoncreds_indexed = True
        else:
            found.entries += await anoncreds_pages(source)
            if has_alternative_restrictions(request):
                found.entries += await held_anoncreds(source)
    if request.dif is not None and "dif" not in skip:
        narrowed = await narrow(request.dif) if narrow is not None else None
        if narrowed is not None:
            found.entries += narrowed
            found.dif_narrowed = True
        else:
            if w3c_held is None and count_w3c is not None:
                w3c_held = await count_w3c()
            entries, found.dif_truncated = await dif_candidates(source, w3c_held)
            found.entries += entries
    return found


def dif_limit(w3c_held: int | None) -> int:
    """A limit above every W3C credential held, within what ACA-Py accepts."""
    return min(MAX_LIMIT, max(PAGE, (w3c_held or 0) + W3C_SLACK))


async def dif_candidates(
    source: CandidateSource, w3c_held: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """The W3C entries for every descriptor; True when ACA-Py's cap may have cut some off.

    ACA-Py returns at most `limit` per descriptor, de-duplicated across descriptors, so
    fewer W3C entries than the limit means no descriptor was cut short.
    """
    limit = dif_limit(w3c_held)
    while True:
        page = await source.page(limit)
        entries = [entry for entry in page if "cred_info" not in entry]
        if len(entries) < limit:
            return entries, False
        if limit >= MAX_LIMIT:
            return entries, True
        limit = MAX_LIMIT


async def anoncreds_pages(source: CandidateSource) -> list[dict[str, Any]]:
    """AnonCreds entries, paged by offset until no referent fills a page."""
    found: list[dict[str, Any]] = []
    offset = 0
    for _ in range(MAX_PAGES):
        page = await source.page(PAGE, offset)
        anoncreds = [entry for entry in page if "cred_info" in entry]
        found += anoncreds
        per_referent = Counter(
            referent
            for entry in anoncreds
            for referent in entry.get("presentation_referents") or []
        )
        if not per_referent or max(per_referent.values()) < PAGE:
            break
        offset += PAGE
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


async def held_anoncreds(source: CandidateSource) -> list[dict[str, Any]]:
    """All stored AnonCreds credentials, shaped like the route's entries (no referents)."""
    entries: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = await source.held_anoncreds(offset, WALLET_PAGE)
        entries += [{"cred_info": info, "presentation_referents": []} for info in page]
        if len(page) < WALLET_PAGE:
            return entries
        offset += WALLET_PAGE
