"""The screens read through the JSON API itself, over loopback with the API token.

So a screen can show nothing the API does not serve and adds no logic of its own: the
page handlers only choose which API calls to make and which template to fill.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from pydantic import BaseModel

from ui.web.errors import words_of
from ui.web.i18n import DEFAULT_LANGUAGE
from ui.web.security import UiSecrets

type Query = str | int | list[str]


class ApiProblem(BaseModel):
    """An API answer that was not a success, kept to show on the page in plain words."""

    status: int
    code: str
    message: str
    hint: str | None = None
    detail: str | None = None


class ApiAnswer(BaseModel):
    """Either the decoded JSON body or the problem the API reported."""

    body: Any = None
    problem: ApiProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def status(self) -> int:
        """The HTTP status a page showing this answer should have."""
        return 200 if self.problem is None else self.problem.status

    @property
    def record(self) -> dict[str, Any]:
        """The body as one record, or empty when the API answered with a problem."""
        return self.body if isinstance(self.body, dict) else {}


class LocalApi:
    """Calls our own /api/* routes as a script would, so both share every code path."""

    def __init__(self, ui: UiSecrets) -> None:
        self.ui = ui
        self._session: aiohttp.ClientSession | None = None

    async def get(self, path: str, language: str = DEFAULT_LANGUAGE, **query: Query) -> ApiAnswer:
        """GET an API path; its problems come back in `language`, the learner's. A list
        value repeats its parameter (`credential=a&credential=b`)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        url = f"http://127.0.0.1:{self.ui.port}{path}"
        headers = {"Authorization": f"Bearer {self.ui.api_token}", "Accept-Language": language}
        params = [
            (key, str(item))
            for key, value in query.items()
            for item in (value if isinstance(value, list) else [value])
            if item not in ("", None)
        ]
        async with self._session.get(url, headers=headers, params=params) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            if response.status < 300:
                return ApiAnswer(body=body)
            error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
            return ApiAnswer(
                problem=ApiProblem(
                    status=response.status,
                    code=str(error.get("code", "http_error")),
                    message=str(error.get("message", response.reason or "")),
                    hint=error.get("hint"),
                    detail=error.get("detail"),
                )
            )

    async def get_one(
        self, collection: str, item_id: str, language: str = DEFAULT_LANGUAGE
    ) -> ApiAnswer:
        """GET /api/<collection>/<id>, the id quoted as one path segment."""
        return await self.get(f"/api/{collection}/{quote(item_id, safe='')}", language)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


LOCAL_API_KEY = web.AppKey("local_api", LocalApi)


class LearnerApi:
    """The local API as one learner's page reads it: in that learner's language."""

    def __init__(self, api: LocalApi, language: str) -> None:
        self.api = api
        self.language = language

    async def get(self, path: str, **query: Query) -> ApiAnswer:
        return await self.api.get(path, self.language, **query)

    async def get_one(self, collection: str, item_id: str) -> ApiAnswer:
        return await self.api.get_one(collection, item_id, self.language)


def local_api(request: web.Request) -> LearnerApi:
    return LearnerApi(request.app[LOCAL_API_KEY], words_of(request).language)


def listed(body: Any, *keys: str) -> list[Any]:
    """The list inside an API body, whether it is the body itself or under `results` etc."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in (*keys, "results", "items"):
            if isinstance(body.get(key), list):
                return body[key]
    return []
