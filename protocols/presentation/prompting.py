"""A proof request record -> what the learner is shown: a prompt, or why it is refused.

The request is checked before anything else is fetched, so a hostile request never makes
ACA-Py search the wallet. The prompt build itself is pure and timed (budget: 30 ms).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import ConnectionRecord, PresentationExchangeRecord
from protocols.consent import (
    HostileRequestError,
    TrustList,
    VerifierInfo,
    build_prompt,
    parse_request,
)
from protocols.consent.trust import verifier_info
from protocols.presentation.candidates import fetch_candidates
from protocols.presentation.pending import PendingRequest

LOGGER = logging.getLogger(__name__)
MAX_NAME = 120


async def read_request(
    client: AdminClient, record: PresentationExchangeRecord, trust: TrustList
) -> PendingRequest:
    """Build the pending request for a `request-received` record."""
    raw = record.model_dump()
    verifier = await _verifier(client, record.connection_id, trust)
    try:
        request = parse_request(raw)
    except HostileRequestError as error:
        LOGGER.info("proof request %s refused: %s", record.pres_ex_id, error)
        return _refused(record, verifier, str(error))
    candidates = await fetch_candidates(client, record.pres_ex_id, request)
    started = time.perf_counter()
    try:
        prompt = build_prompt(raw, candidates, trust, verifier.label, verifier_did=verifier.did)
    except HostileRequestError as error:
        return _refused(record, verifier, str(error))
    build_ms = (time.perf_counter() - started) * 1000
    LOGGER.info(
        "proof request %s: %d items, %d candidates, prompt built in %.1f ms",
        record.pres_ex_id,
        len(prompt.items),
        len(candidates),
        build_ms,
    )
    return PendingRequest(
        exchange_id=record.pres_ex_id,
        connection_id=record.connection_id,
        thread_id=record.thread_id,
        state=record.state or "request-received",
        verifier=prompt.verifier,
        request_name=prompt.purpose.name,
        prompt=prompt,
        build_ms=build_ms,
    )


async def _verifier(
    client: AdminClient, connection_id: str | None, trust: TrustList
) -> VerifierInfo:
    """The connection's label and the verifier's DID (public if it has one), with trust."""
    connection: ConnectionRecord | None = None
    if connection_id:
        try:
            connection = await client.connection(connection_id)
        except AdminApiError as error:
            LOGGER.warning("connection %s of a proof request: %s", connection_id, error)
    if connection is None:
        return verifier_info(None, None, trust)
    did = connection.their_public_did or connection.their_did
    return verifier_info(connection.their_label, did, trust)


def _refused(
    record: PresentationExchangeRecord, verifier: VerifierInfo, reason: str
) -> PendingRequest:
    return PendingRequest(
        exchange_id=record.pres_ex_id,
        connection_id=record.connection_id,
        thread_id=record.thread_id,
        state=record.state or "request-received",
        verifier=verifier,
        request_name=_raw_name(record.by_format),
        refused=reason,
    )


def _raw_name(by_format: dict[str, Any]) -> str:
    """A refused request's own name, if it has a readable one."""
    request = by_format.get("pres_request") or {}
    for key in ("anoncreds", "indy"):
        name = (request.get(key) or {}).get("name") if isinstance(request, dict) else None
        if isinstance(name, str) and name.strip():
            return name.strip()[:MAX_NAME]
    dif = request.get("dif") if isinstance(request, dict) else None
    definition = (dif or {}).get("presentation_definition") if isinstance(dif, dict) else None
    name = definition.get("name") if isinstance(definition, dict) else None
    return name.strip()[:MAX_NAME] if isinstance(name, str) and name.strip() else "Proof request"
