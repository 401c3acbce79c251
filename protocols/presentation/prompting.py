"""A proof request record -> what the learner is shown: a prompt, or why it is refused.

The request is checked before anything else is fetched, so a hostile request never makes
ACA-Py search the wallet. The prompt build itself is pure and timed (budget: 30 ms).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import ConnectionRecord, PresentationExchangeRecord
from agent.connection_cache import ConnectionCache
from protocols.consent import (
    ConsentPrompt,
    HostileRequestError,
    ItemKind,
    TrustList,
    VerifierInfo,
    build_prompt,
    parse_request,
)
from protocols.consent.trust import verifier_info
from protocols.consent.wording import say
from protocols.presentation.candidates import (
    MAX_LIMIT,
    AdminCandidates,
    FetchedCandidates,
    IndexedAnonCreds,
    Narrowing,
    fetch_candidate_set,
)
from protocols.presentation.labels import with_kind_labels
from protocols.presentation.pending import PendingRequest
from protocols.presentation.prompt_inputs import PromptInputs
from wallet.credentials.release import release_memory

LOGGER = logging.getLogger(__name__)
MAX_NAME = 120
# After a prompt built from this many candidates, freed memory is handed back at once.
LARGE_CANDIDATE_LIST = 1000
TRUNCATED = say("consent.engine.truncated", n=MAX_LIMIT)
TRUNCATED_WARNING = TRUNCATED.english


async def read_request(
    client: AdminClient,
    record: PresentationExchangeRecord,
    trust: TrustList,
    *,
    connections: ConnectionCache | None = None,
    count_w3c: Callable[[], Awaitable[int | None]] | None = None,
    revoked: Awaitable[set[str]] | None = None,
    narrow: Narrowing | None = None,
    from_index: IndexedAnonCreds | None = None,
    inputs: PromptInputs | None = None,
) -> PendingRequest:
    """Build the pending request for a `request-received` record.

    The verifier's connection and the candidates are read at the same time: both are
    round trips to ACA-Py and neither needs the other. `count_w3c` (at least the number of
    W3C credentials held) sizes a full DIF candidate query so no match is cut off. Candidates
    whose ACA-Py id is in `revoked` (the wallet knows from a notice or the status list; an
    index read that runs beside the round trips) are marked, so the prompt names them as
    revoked instead of offering them. `narrow` is the wallet's own DIF pre-filter
    (narrowing.py), tried before ACA-Py's full list; `from_index` its AnonCreds candidates
    (anoncreds_index.py), likewise. `inputs`: what the prompt-inputs plugin
    read for this very record: its verdict on the request and the candidates it searched.
    """
    try:
        if inputs is not None and inputs.refused is not None:
            raise HostileRequestError.of(inputs.refused)
        request = parse_request(_request_fields(record), checked=inputs is not None)
    except HostileRequestError as error:
        LOGGER.info("proof request %s refused: %s", record.pres_ex_id, error)
        verifier = await _verifier(client, record.connection_id, trust, connections)
        return _refused(record, verifier, error)
    # The candidates call is awaited here so it leaves at once (a task would start it one
    # switch later); the verifier, usually cached, is read beside it as a task.
    verifier_read = asyncio.ensure_future(
        _verifier(client, record.connection_id, trust, connections)
    )
    try:
        found = await fetch_candidate_set(
            AdminCandidates(client, record.pres_ex_id),
            request,
            narrow=narrow,
            from_index=from_index,
            count_w3c=count_w3c,
            skip=inputs.searched if inputs is not None else (),
        )
        if inputs is not None:
            found.entries = inputs.candidates + found.entries
            found.dif_truncated = found.dif_truncated or inputs.dif_truncated
        verifier = await verifier_read
    finally:
        verifier_read.cancel()  # no-op once read; stops the read if the candidates failed
    candidates = mark_revoked(found.entries, await revoked if revoked is not None else set())
    started = time.perf_counter()
    try:
        prompt = build_prompt(request, candidates, trust, verifier.label, verifier_did=verifier.did)
    except HostileRequestError as error:
        return _refused(record, verifier, error)
    if found.dif_truncated:
        LOGGER.warning("proof request %s: ACA-Py's candidate cap was reached", record.pres_ex_id)
        prompt = with_truncation_warning(prompt)
    build_ms = (time.perf_counter() - started) * 1000
    if any(item.missing is not None for item in prompt.items):
        prompt = await with_kind_labels(client, prompt, trust)
    # Logged once the caller has published the prompt: a log write is not on its way.
    asyncio.get_running_loop().call_soon(
        LOGGER.info,
        "proof request %s: %d items, %d candidates%s, prompt built in %.1f ms",
        record.pres_ex_id,
        len(prompt.items),
        len(candidates),
        _from_index(found),
        build_ms,
    )
    if len(candidates) >= LARGE_CANDIDATE_LIST:
        # The prompt keeps what it shows; the documents go when this returns, and the
        # memory is handed back once the caller has published the prompt.
        asyncio.get_running_loop().call_soon(release_memory)
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


def _from_index(found: FetchedCandidates) -> str:
    parts = [
        name
        for name, indexed in (("AnonCreds", found.anoncreds_indexed), ("DIF", found.dif_narrowed))
        if indexed
    ]
    return f" ({' and '.join(parts)} from the index)" if parts else ""


def _request_fields(record: PresentationExchangeRecord) -> dict[str, Any]:
    """What `parse_request` reads, without copying the whole record (`model_dump`)."""
    return {
        "pres_ex_id": record.pres_ex_id,
        "connection_id": record.connection_id,
        "by_format": record.by_format,
        "pres_request": record.pres_request,
    }


def mark_revoked(entries: list[dict[str, Any]], revoked: set[str]) -> list[dict[str, Any]]:
    """Candidates as the route gave them, with `revoked` set on those the wallet knows are."""
    if not revoked:
        return entries
    marked = []
    for entry in entries:
        acapy_id = (entry.get("cred_info") or {}).get("referent") or entry.get("record_id")
        marked.append({**entry, "revoked": True} if acapy_id in revoked else entry)
    return marked


def with_truncation_warning(prompt: ConsentPrompt) -> ConsentPrompt:
    """Every DIF item says its list may be incomplete (ACA-Py's cap, not the wallet's)."""
    items = [
        item.model_copy(update={"warning": TRUNCATED_WARNING, "warning_words": TRUNCATED})
        if item.kind is ItemKind.INPUT_DESCRIPTOR
        else item
        for item in prompt.items
    ]
    return prompt.model_copy(update={"items": items})


async def _verifier(
    client: AdminClient,
    connection_id: str | None,
    trust: TrustList,
    connections: ConnectionCache | None = None,
) -> VerifierInfo:
    """The connection's label and the verifier's DID (public if it has one), with trust."""
    connection: ConnectionRecord | None = None
    if connection_id:
        try:
            if connections is not None:
                connection = await connections.get(connection_id)
            else:
                connection = await client.connection(connection_id)
        except AdminApiError as error:
            LOGGER.warning("connection %s of a proof request: %s", connection_id, error)
    if connection is None:
        return verifier_info(None, None, trust)
    did = connection.their_public_did or connection.their_did
    label = connections.display_label(connection) if connections else connection.their_label
    return verifier_info(label, did, trust)


def _refused(
    record: PresentationExchangeRecord, verifier: VerifierInfo, reason: HostileRequestError
) -> PendingRequest:
    return PendingRequest(
        exchange_id=record.pres_ex_id,
        connection_id=record.connection_id,
        thread_id=record.thread_id,
        state=record.state or "request-received",
        verifier=verifier,
        request_name=_raw_name(record.by_format),
        refused=str(reason),
        refused_words=reason.words,
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
