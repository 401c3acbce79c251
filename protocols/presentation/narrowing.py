"""DIF candidates read from the wallet's own claims index instead of every W3C credential.

ACA-Py 1.7's candidate route returns every W3C credential of the descriptor's proof type and
schema, whatever its fields ask (9,750 documents for one course among 10,000 credentials).
When every descriptor has a required field whose filter names constant strings (`const` or
`enum`) at plain member paths, the claims index (wallet/credentials/claims.py) says which
credentials can hold such a value; only those are read, by id, and each is kept exactly when
ACA-Py's route would have returned it (same proof type, same schema rule). The consent engine
then checks every field as before.

Anything else (another filter, wildcards or indexes in a path, `oneof_filter` schemas, other
formats, too many possible matches, an index not in step with ACA-Py) answers None and the
caller asks ACA-Py for everything, as before: narrowing may only ever be skipped, never be
wrong.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import W3CCredentialRecord
from protocols.consent.jsonpath import JsonPathError, parse_path
from protocols.consent.request import DifField, DifRequest, InputDescriptor
from wallet.credentials.claims import descriptor_query, field_condition

BBS = "BbsBlsSignature2020"
# The suites ACA-Py's route recognises, each filtered on alone (first one listed wins).
ROUTE_PROOF_TYPES = (
    "Ed25519Signature2018",
    "Ed25519Signature2020",
    "EcdsaSecp256r1Signature2019",
    BBS,
)
MAX_READS = 200  # beyond this many reads by id, one full answer from ACA-Py is cheaper
READERS = 6
IN_STEP_SECONDS = 2.0


class ClaimsIndex(Protocol):
    """What narrowing needs from the credential index."""

    async def claims_complete(self) -> bool: ...

    async def claims_matching(self, query: dict[str, Any], limit: int) -> list[str] | None: ...


class InStep(Protocol):
    async def wait(self, seconds: float) -> bool: ...


@dataclass(frozen=True)
class RouteFilter:
    """What ACA-Py's route filters a descriptor's W3C credentials by."""

    proof_types: list[str] | None
    schema_uris: list[str]

    def admits(self, record: W3CCredentialRecord) -> bool:
        """The route's test: the proof type, and every schema URI as a type or schema id."""
        if self.proof_types is not None and not set(self.proof_types) & set(record.proof_types):
            return False
        return all(
            uri in record.expanded_types or uri in record.schema_ids for uri in self.schema_uris
        )


@dataclass(frozen=True)
class DescriptorPlan:
    route: RouteFilter
    query: dict[str, Any]


async def narrowed_dif(
    client: AdminClient, index: ClaimsIndex, in_step: InStep, request: DifRequest
) -> list[dict[str, Any]] | None:
    """The route-shaped W3C entries every descriptor can use, or None to ask ACA-Py."""
    plans = plan_request(request)
    if plans is None:
        return None
    if not await in_step.wait(IN_STEP_SECONDS) or not await index.claims_complete():
        return None
    every: set[str] = set()
    for plan in plans:
        ids = await index.claims_matching(plan.query, MAX_READS)
        if ids is None:
            return None
        every.update(ids)
    if len(every) > MAX_READS:
        return None
    records = await _read(client, sorted(every))
    # ACA-Py answers one list for all descriptors and the engine checks each descriptor
    # against all of it: keep what any descriptor's route filter admits.
    return [
        route_entry(record)
        for record in records.values()
        if any(plan.route.admits(record) for plan in plans)
    ]


def route_entry(record: W3CCredentialRecord) -> dict[str, Any]:
    """The shape ACA-Py's route gives a W3C candidate: the document plus `record_id`."""
    return {**record.cred_value, "record_id": record.record_id}


def plan_request(request: DifRequest) -> list[DescriptorPlan] | None:
    definition = request.presentation_definition
    plans = []
    for descriptor in definition.input_descriptors:
        route = route_filter(definition.format, descriptor)
        fields = _narrowing_fields(descriptor)
        if route is None or not fields:
            return None
        plans.append(DescriptorPlan(route, descriptor_query(fields)))
    return plans or None


def route_filter(
    claim_format: dict[str, dict[str, Any]] | None, descriptor: InputDescriptor
) -> RouteFilter | None:
    """ACA-Py 1.7's proof type and schema choice for one descriptor; None where it differs
    from the plain cases (it refuses, or uses `oneof_filter` or data integrity proofs)."""
    limit = descriptor.constraints.limit_disclosure == "required"
    proof_types = [BBS] if limit else None
    if claim_format:
        if not claim_format.get("ldp_vp"):
            return None
        listed = claim_format["ldp_vp"].get("proof_type")
        if listed is not None:
            if not isinstance(listed, list) or (limit and BBS not in listed):
                return None
            known = [kind for kind in listed if kind in ROUTE_PROOF_TYPES]
            if not known:
                return None
            proof_types = [known[0]]
    uris = _schema_uris(descriptor.schema_)
    return None if uris is None else RouteFilter(proof_types, uris)


def _schema_uris(schema: Any) -> list[str] | None:
    """The required URIs of a plain schema list; None for any other form."""
    if schema is None:
        return []
    if not isinstance(schema, list):
        return None
    uris = []
    for item in schema:
        if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
            return None
        if item.get("required") in (None, True):
            uris.append(item["uri"])
    return uris


def _narrowing_fields(descriptor: InputDescriptor) -> list[dict[str, Any]]:
    """Index conditions for the required fields that name constant strings."""
    return [
        condition
        for field in descriptor.constraints.fields
        if (condition := _field_condition(field)) is not None
    ]


def _field_condition(field: DifField) -> dict[str, Any] | None:
    spec = field.filter
    if field.optional or spec is None:
        return None
    if spec.const is not None:
        values: list[Any] = [spec.const]
    elif spec.enum is not None:
        values = list(spec.enum)
    else:
        return None
    if not values or not all(isinstance(value, str) for value in values):
        return None
    paths = []
    for text in field.path:
        try:
            segments = parse_path(text).segments
        except JsonPathError:
            return None
        if not all(isinstance(segment, str) and segment != "*" for segment in segments):
            return None
        paths.append(tuple(str(segment) for segment in segments))
    return field_condition(paths, values) if paths else None


async def _read(client: AdminClient, credential_ids: list[str]) -> dict[str, W3CCredentialRecord]:
    """The records by our id; one deleted meanwhile is simply not there."""
    gate = asyncio.Semaphore(READERS)

    async def one(credential_id: str) -> W3CCredentialRecord | None:
        async with gate:
            try:
                return await client.w3c_credential(credential_id.partition(":")[2])
            except AdminApiError as error:
                if error.status == 404:
                    return None
                raise

    found = await asyncio.gather(*(one(credential_id) for credential_id in credential_ids))
    return {key: record for key, record in zip(credential_ids, found, strict=True) if record}
