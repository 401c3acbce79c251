"""AnonCreds proof candidates read from the wallet's own credential index.

ACA-Py 1.7's candidate route takes ~74 ms to list 250 matches among 10,000 credentials. The
index holds every AnonCreds credential's identifiers and raw attribute values, which is all
the consent engine reads from a candidate, so the candidates can come from one tag query.

The engine must be offered the credentials the route's path (candidates.py) offers it:
ACA-Py's matches per referent (it ANDs the restrictions, keeps the case of attribute names
and knows only the tags it stores), and, when some item has alternative restrictions, every
AnonCreds credential. So ACA-Py's search is replayed on the tags it would have stored, to
see that it finds every credential the engine accepts. The order is the index's, oldest
first, which the engine reads as storage order; the route's own order is not that (an Askar
scan without `order_by` does not come in insertion order: tried on this Askar), so its
"newest" default was arbitrary and the index's is the newest indeed.

None (ask ACA-Py) when a restriction key is one the engine cannot decide for every
credential (`schema_name`, `schema_version`, `rev_reg_id`, anything unknown), when some
credential still leaves a restriction undecided, when ACA-Py's search would miss a
credential the engine accepts, when an indexed credential lacks what its cred_info needs,
or when the index is not in step with ACA-Py: reading the index may only ever be skipped,
never be wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from protocols.consent.credentials import AnonCredsCandidate, AnonCredsCredentialInfo
from protocols.consent.request import AnonCredsRequest, ProofRequest
from protocols.consent.restrictions import attribute_value, canon, evaluate, issuer_of
from protocols.presentation.narrowing import IN_STEP_SECONDS, InStep
from wallet.credentials.models import StoredCredential

# Keys the engine decides from the identifiers of any AnonCreds credential (legacy or DID
# based); `attr::` keys it decides from the attributes.
IDENTIFIER_KEYS = frozenset(
    {"schema_id", "cred_def_id", "issuer_did", "issuer_id", "schema_issuer_did", "schema_issuer_id"}
)


class AnonCredsIndex(Protocol):
    """What this needs from the credential index."""

    async def of_format(self, credential_format: str) -> list[StoredCredential]: ...


@dataclass(frozen=True)
class Referent:
    """One requested attribute, group or predicate: its names and restrictions."""

    name: str
    names: list[str]
    restrictions: list[dict[str, str]]


def index_can_answer(request: ProofRequest | AnonCredsRequest) -> bool:
    """Whether every restriction key is one the engine decides itself (no I/O)."""
    anoncreds = request.anoncreds if isinstance(request, ProofRequest) else request
    if anoncreds is None:
        return False
    return all(
        key.startswith("attr::") or key in IDENTIFIER_KEYS
        for referent in referents(anoncreds)
        for restriction in referent.restrictions
        for key in restriction
    )


async def indexed_anoncreds(
    index: AnonCredsIndex, in_step: InStep, request: ProofRequest
) -> list[dict[str, Any]] | None:
    """Route-shaped AnonCreds entries from the index, or None to ask ACA-Py."""
    if request.anoncreds is None or not index_can_answer(request):
        return None
    if not await in_step.wait(IN_STEP_SECONDS):
        return None
    return route_entries(request.anoncreds, await index.of_format("anoncreds"))


def route_entries(
    request: AnonCredsRequest, stored: Iterable[StoredCredential]
) -> list[dict[str, Any]] | None:
    """An entry for every credential that fits some referent, oldest first (the order the
    engine expects), with the referents it fits; None where that would not be exact."""
    infos = [cred_info_of(credential) for credential in stored]
    known = [info for info in infos if info is not None]
    if len(known) < len(infos):
        return None
    wanted = referents(request)
    # With alternatives the route path offers every credential; else only ACA-Py's matches.
    everything_offered = any(len(referent.restrictions) > 1 for referent in wanted)
    fitting: dict[str, list[str]] = {}
    for info in known:
        candidate = AnonCredsCandidate(cred_info=info)
        fits_here = []
        for referent in wanted:
            fits = engine_fits(candidate, referent)
            if fits is None:
                return None
            if fits:
                fits_here.append(referent.name)
        if not fits_here:
            continue
        if not everything_offered and not found_by_acapy(info, wanted):
            return None  # the route path would not offer the engine all it accepts
        fitting[info.referent] = fits_here
    interval = request.non_revoked
    shown = interval.model_dump(by_alias=True, exclude_none=True) if interval else None
    by_id = {info.referent: info for info in known}
    return [
        {
            "cred_info": by_id[referent].model_dump(),
            "interval": shown,
            "presentation_referents": referents_here,
        }
        for referent, referents_here in fitting.items()
    ]


def referents(request: AnonCredsRequest) -> list[Referent]:
    """Attributes then predicates, in the request's order (ACA-Py searches in that order)."""
    found = [
        Referent(name, spec.attribute_names, spec.restrictions)
        for name, spec in request.requested_attributes.items()
    ]
    found += [
        Referent(name, [spec.name], spec.restrictions)
        for name, spec in request.requested_predicates.items()
    ]
    return found


def cred_info_of(credential: StoredCredential) -> AnonCredsCredentialInfo | None:
    """ACA-Py's cred_info from the indexed fields; None when they cannot rebuild it exactly
    (an identifier missing or without an issuer, or two attribute names the engine reads
    as one: which it picks depends on an order the index does not keep)."""
    schema_id, cred_def_id = credential.schema_id, credential.cred_def_id
    if credential.format != "anoncreds" or not credential.acapy_id:
        return None
    if not schema_id or not cred_def_id or not issuer_of(schema_id) or not issuer_of(cred_def_id):
        return None
    names = {canon(name) for name in credential.attributes}
    if len(names) < len(credential.attributes):
        return None
    return AnonCredsCredentialInfo(
        referent=credential.acapy_id,
        schema_id=schema_id,
        cred_def_id=cred_def_id,
        rev_reg_id=credential.rev_reg_id,
        cred_rev_id=credential.cred_rev_id,
        attrs=credential.attributes,
    )


def engine_fits(candidate: AnonCredsCandidate, referent: Referent) -> bool | None:
    """The engine's verdict (anoncreds_items.py, restrictions.fits); None where it would
    ask ACA-Py's `presentation_referents`."""
    if any(attribute_value(candidate, name) is None for name in referent.names):
        return False
    if not referent.restrictions:
        return True
    results = [evaluate(restriction, candidate) for restriction in referent.restrictions]
    if True in results:
        return True
    return None if None in results else False


def acapy_tags(info: AnonCredsCredentialInfo) -> dict[str, str]:
    """The tags ACA-Py 1.7 stores with a credential that the allowed keys can name
    (anoncreds/holder.py `_finish_store_credential`: the issuer ids are the schema's and
    credential definition's `issuerId`, which the registries take from the id)."""
    tags = {
        "schema_id": info.schema_id,
        "cred_def_id": info.cred_def_id,
        "issuer_did": issuer_of(info.cred_def_id) or "",
        "schema_issuer_did": issuer_of(info.schema_id) or "",
    }
    tags.update(
        {f"attr::{name.replace(' ', '')}::value": value for name, value in info.attrs.items()}
    )
    return tags


def found_by_acapy(info: AnonCredsCredentialInfo, wanted: list[Referent]) -> bool:
    """Whether ACA-Py's search finds the credential for some referent."""
    tags = acapy_tags(info)
    return any(route_matches(tags, referent) for referent in wanted)


def route_matches(tags: dict[str, str], referent: Referent) -> bool:
    """ACA-Py's search for one referent: every name's value tag, and every restriction."""
    if any(f"attr::{name.replace(' ', '')}::value" not in tags for name in referent.names):
        return False
    return all(
        all(tags.get(key) == value for key, value in restriction.items())
        for restriction in referent.restrictions
    )
