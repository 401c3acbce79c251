"""What a prompt needs, read inside ACA-Py: the record, the checked request, the candidates."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.protocols.present_proof.v2_0.models.pres_exchange import V20PresExRecord
from acapy_agent.storage.error import StorageNotFoundError
from aiohttp import web

from protocols.consent.validation import HostileRequestError, parse_request
from protocols.presentation.candidates import fetch_candidate_set
from protocols.presentation.index_parts import index_answers, searched_parts

from .in_process import InProcessCandidates

ARRIVED = "request-received"


async def prompt_inputs(
    profile: Profile,
    request: web.Request,
    exchange_id: str,
    w3c_held: int,
    offered: Collection[str],
) -> dict[str, Any]:
    """`PromptInputs` as JSON. Candidates only for a request the learner must still answer."""
    try:
        async with profile.session() as session:
            record = await V20PresExRecord.retrieve_by_id(session, exchange_id)
    except StorageNotFoundError:
        return {"record": None}
    body = record.serialize()
    if body.get("state") != ARRIVED or body.get("role") not in (None, "prover"):
        return {"record": body}
    try:
        checked = parse_request(body)
    except HostileRequestError as error:
        return {"record": body, "refused": error.words.model_dump()}
    left_to_index = index_answers(checked, offered)
    found = await fetch_candidate_set(
        InProcessCandidates(request), checked, w3c_held=w3c_held, skip=left_to_index
    )
    return {
        "record": body,
        "candidates": found.entries,
        "searched": sorted(searched_parts(checked) - left_to_index),
        "dif_truncated": found.dif_truncated,
    }
