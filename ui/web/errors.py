"""Errors of the local API as the learner reads them: a sentence in their language, never a
traceback, beside a machine-readable code.

The body is `{"error": {"code", "message", "hint", "detail"?, "fields"?}}`. `message` and
`hint` come from the catalogue of the request's language (`error.<code>` or
`error.<code>.<reason>`, and the same with `.hint`), so every word a learner can see lives
in `ui/web/i18n/*.json`. `detail` is for experts only (screens fold it under "technical
details"); `fields` names what is wrong with each field of a form.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import BaseModel, ValidationError

from ui.web.i18n import LANGUAGE_COOKIE, Catalogue, catalogue, choose_language

LOGGER = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ErrorPage = Callable[[web.Request, "ApiError"], web.Response]
MAX_DETAIL = 500


@dataclass(frozen=True)
class Words:
    """A catalogue key and the values for its placeholders, rendered per request."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None
    detail: str | None = None
    fields: dict[str, str] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error the learner (or a script) can act on.

    `code` (and `reason`, for a finer kind of the same code) name the catalogue entry;
    `params` fill its placeholders; `detail` is technical and optional.
    """

    def __init__(
        self,
        status: int,
        code: str,
        *,
        reason: str | None = None,
        detail: str | None = None,
        fields: Mapping[str, Words] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(code if reason is None else f"{code}.{reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.detail = detail[:MAX_DETAIL] if detail else None
        self.fields = dict(fields or {})
        self.params = dict(params or {})

    def message_key(self) -> str:
        return f"error.{self.code}" + (f".{self.reason}" if self.reason else "")

    def body(self, words: Catalogue) -> ErrorBody:
        key = next(
            (k for k in (self.message_key(), f"error.{self.code}") if k in words.strings),
            "error.unknown",
        )
        message = words.text(key, **self.params)
        hint_key = next(
            (k for k in (f"{key}.hint", f"error.{self.code}.hint") if k in words.strings), None
        )
        return ErrorBody(
            code=self.code,
            message=message,
            hint=words.text(hint_key, **self.params) if hint_key else None,
            detail=self.detail,
            fields={name: words.text(w.key, **w.params) for name, w in self.fields.items()} or None,
        )


def words_of(request: web.Request) -> Catalogue:
    """The catalogue of the learner's language: the language cookie, else Accept-Language."""
    return catalogue(
        choose_language(
            request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language")
        )
    )


def error_response(error: ApiError, request: web.Request) -> web.Response:
    body = ErrorResponse(error=error.body(words_of(request))).model_dump_json()
    return web.Response(status=error.status, text=body, content_type="application/json")


def wants_page(request: web.Request) -> bool:
    """A screen a browser opens (not the JSON API, which always answers JSON)."""
    return request.method in ("GET", "HEAD") and not request.path.startswith("/api/")


def errors_middleware(error_page: ErrorPage | None = None) -> Middleware:
    """Turn every failure into an error a learner can read.

    The JSON API answers the JSON shape; a screen (an unknown page, say) gets `error_page`,
    an HTML page with a way back. Unexpected failures are logged with their type only.
    """

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return _answer(request, error, error_page)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
                for e in error.errors()
            )
            return _answer(request, ApiError(422, "invalid_body", detail=problems), error_page)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            # aiohttp 3.12 names a 413 "Content Too Large"; the catalogue knows it by its
            # older name.
            code = (
                "request_entity_too_large"
                if error.status == 413
                else error.reason.lower().replace(" ", "_")
            )
            return _answer(request, ApiError(error.status, code), error_page)
        except Exception as error:
            LOGGER.exception(
                "unexpected %s on %s %s", type(error).__name__, request.method, request.path
            )
            return _answer(request, ApiError(500, "internal_error"), error_page)

    return errors


def _answer(request: web.Request, error: ApiError, error_page: ErrorPage | None) -> web.Response:
    if error_page is not None and wants_page(request):
        return error_page(request, error)
    return error_response(error, request)
