"""JSON errors for the local API: `{"error": {"code", "message", "hint"}}`, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import BaseModel, ValidationError

LOGGER = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error the learner (or a script) can act on; `hint` says what to do."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(code=code, message=message, hint=hint)


def error_response(error: ApiError) -> web.Response:
    body = ErrorResponse(error=error.body).model_dump_json()
    return web.Response(status=error.status, text=body, content_type="application/json")


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into the JSON error shape; log unexpected ones with their type only."""
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        return error_response(ApiError(422, "invalid_body", problems, "check the request body"))
    except web.HTTPException as error:
        if error.status < 400:
            raise
        code = error.reason.lower().replace(" ", "_")
        return error_response(ApiError(error.status, code, error.reason))
    except Exception as error:
        LOGGER.exception(
            "unexpected %s on %s %s", type(error).__name__, request.method, request.path
        )
        return error_response(
            ApiError(500, "internal_error", "something went wrong inside the wallet",
                     "see the controller log in the data dir; nothing was changed")
        )  # fmt: skip
