"""Proof requests: `GET /api/requests`, `GET /api/requests/{id}`, approve and decline.

A request is shown as a consent prompt (what the verifier will see, per credential);
approving with an empty body sends the prompt's default decision, with a
`ConsentDecision` body the learner's own choices.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictStr

from agent.admin_client import AdminApiError
from protocols.connections.addresses import text_problem
from protocols.consent import ConsentDecision, ConsentPrompt, VerifierInfo, default_decision
from protocols.consent.wording import Words
from protocols.presentation.answers import AnswerError, approve, decline
from protocols.presentation.pending import PendingRequest
from ui.catch_up import catch_up_of
from ui.web.errors import ApiError
from ui.web.json_body import json_body
from ui.web.services import services_of

ERROR_STATUS = {"not_found": 404, "conflict": 409, "invalid": 422, "unavailable": 503}
ERROR_CODE = {
    "not_found": "request_not_found",
    "conflict": "request_not_open",
    "invalid": "decision_invalid",
    "unavailable": "wallet_unavailable",
    "failed": "presentation_failed",
}


class RequestSummary(BaseModel):
    """One line of the request list: who asks, for what, and where it stands."""

    exchange_id: str
    connection_id: str | None
    thread_id: str | None
    status: str
    state: str
    received_at: datetime
    verifier: VerifierInfo
    request_name: str
    answerable: bool
    refused: str | None
    refused_words: Words | None = None  # `refused` as a catalogue key, for the screens
    errors: list[str]
    over_asking: list[str]
    detail: str | None
    arrived: list[str] = []  # credentials stored while it waited that it now offers


class RequestDetail(RequestSummary):
    """The whole prompt, and the answer an empty approval would send."""

    prompt: ConsentPrompt | None
    default_decision: ConsentDecision | None


class RequestList(BaseModel):
    requests: list[RequestSummary]


LINE_BREAKS = str.maketrans("\n\r\t", "   ")


def _plain(value: str) -> str:
    problem = text_problem(value.translate(LINE_BREAKS))
    if problem:
        raise ValueError(problem)
    return value


# JSON strings (never numbers or nulls) of plain text, line breaks allowed.
ShortText = Annotated[StrictStr, Field(max_length=500), AfterValidator(_plain)]
LongText = Annotated[StrictStr, Field(max_length=10_000), AfterValidator(_plain)]


class ChoiceBody(BaseModel):
    """One answer of an approval as the client sends it: exact types, no unknown fields."""

    model_config = ConfigDict(extra="forbid")

    credential_id: ShortText | None = None
    revealed: StrictBool = True
    self_attested_value: LongText | None = None


class ApprovalBody(BaseModel):
    """The learner's decision as sent: checked here before the consent engine reads it."""

    model_config = ConfigDict(extra="forbid")

    choices: dict[ShortText, ChoiceBody] = Field(default_factory=dict, max_length=500)


class DeclineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText | None = None


async def list_requests(request: web.Request) -> web.Response:
    await catch_up_of(request).wait("exchanges")  # requests from before this start
    book = services_of(request).requests
    return _json(RequestList(requests=[_summary(r) for r in book.all()]))


async def get_request(request: web.Request) -> web.Response:
    await catch_up_of(request).wait("exchanges")  # requests from before this start
    pending = _pending(request)
    prompt = pending.prompt
    decision = default_decision(prompt) if prompt is not None and pending.answerable else None
    detail = RequestDetail(
        **_summary(pending).model_dump(), prompt=prompt, default_decision=decision
    )
    return _json(detail)


async def approve_request(request: web.Request) -> web.Response:
    await catch_up_of(request).wait("exchanges")  # requests from before this start
    raw = await _body(request)
    decision = None
    if raw is not None:
        checked = ApprovalBody.model_validate(raw)
        decision = ConsentDecision.model_validate(checked.model_dump())
    try:
        answered = await approve(services_of(request), request.match_info["exchange_id"], decision)
    except AnswerError as error:
        raise _api_error(error) from None
    except AdminApiError as error:
        raise _unavailable(error) from None
    return _json(_summary(answered))


async def decline_request(request: web.Request) -> web.Response:
    await catch_up_of(request).wait("exchanges")  # requests from before this start
    raw = await _body(request)
    body = DeclineBody.model_validate(raw or {})
    exchange_id = request.match_info["exchange_id"]
    try:
        await decline(services_of(request), exchange_id, body.reason)
    except AnswerError as error:
        raise _api_error(error) from None
    except AdminApiError as error:
        raise _unavailable(error) from None
    return web.json_response({"exchange_id": exchange_id, "status": "declined"})


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/requests", list_requests)
    router.add_get("/api/requests/{exchange_id}", get_request)
    router.add_post("/api/requests/{exchange_id}/approve", approve_request)
    router.add_post("/api/requests/{exchange_id}/decline", decline_request)


def _pending(request: web.Request) -> PendingRequest:
    exchange_id = request.match_info["exchange_id"]
    pending = services_of(request).requests.get(exchange_id)
    if pending is None:
        raise ApiError(404, "request_not_found")
    return pending


def _summary(pending: PendingRequest) -> RequestSummary:
    prompt = pending.prompt
    return RequestSummary(
        exchange_id=pending.exchange_id,
        connection_id=pending.connection_id,
        thread_id=pending.thread_id,
        status=pending.status.value,
        state=pending.state,
        received_at=pending.received_at,
        verifier=pending.verifier,
        request_name=pending.request_name,
        answerable=pending.answerable,
        refused=pending.refused,
        refused_words=pending.refused_words,
        errors=list(prompt.errors) if prompt else [],
        over_asking=list(prompt.over_asking.messages) if prompt else [],
        detail=pending.detail,
        arrived=list(pending.arrived),
    )


async def _body(request: web.Request) -> Any:
    """The JSON body, or None when there is none (an empty approval)."""
    raw = await json_body(request)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_body")
    return raw


def _api_error(error: AnswerError) -> ApiError:
    return ApiError(ERROR_STATUS.get(error.kind, 502), ERROR_CODE[error.kind], detail=str(error))


def _unavailable(error: AdminApiError) -> ApiError:
    return ApiError(503, "agent_unavailable", detail=str(error))


def _json(model: BaseModel) -> web.Response:
    return web.json_response(text=model.model_dump_json())
