"""The one typed client for ACA-Py's admin API (127.0.0.1 only, always with the key)."""

from __future__ import annotations

from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel

from agent.admin_models import (
    AgentStatus,
    ConnectionRecord,
    CredentialExchangeRecord,
    DidCreateRequest,
    DidInfo,
    PresentationExchangeRecord,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=5)


class AdminApiError(Exception):
    """ACA-Py answered with an error, or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AdminClient:
    """Thin and typed: one method per admin API call the wallet makes."""

    def __init__(self, base_url: str, api_key: str, *, timeout=DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"x-api-key": api_key}
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AdminClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str | int] | None = None,
    ) -> Any:
        """Send one call; raise AdminApiError with ACA-Py's own reason on failure."""
        url = f"{self.base_url}{path}"
        try:
            async with self._client().request(method, url, json=json, params=params) as response:
                text = await response.text()
                if response.status >= 400:
                    reason = text.strip()[:500] or response.reason or ""
                    raise AdminApiError(
                        f"ACA-Py refused {method} {path} ({response.status}): {reason}",
                        response.status,
                    )
                return await response.json(content_type=None) if text else None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise AdminApiError(f"ACA-Py is not reachable ({method} {path}): {error}") from None

    async def get_model(self, path: str, model: type[ModelT], **params: str | int) -> ModelT:
        return model.model_validate(await self.request("GET", path, params=params or None))

    async def list_results(
        self, path: str, model: type[ModelT], **params: str | int
    ) -> list[ModelT]:
        body = await self.request("GET", path, params=params or None)
        return [model.model_validate(item) for item in body.get("results", [])]

    async def is_ready(self) -> bool:
        try:
            body = await self.request("GET", "/status/ready")
        except AdminApiError:
            return False
        return bool(body and body.get("ready"))

    async def status(self) -> AgentStatus:
        return await self.get_model("/status", AgentStatus)

    async def list_dids(self) -> list[DidInfo]:
        return await self.list_results("/wallet/did", DidInfo)

    async def create_did(self, request: DidCreateRequest) -> DidInfo:
        body = await self.request("POST", "/wallet/did/create", json=request.model_dump())
        return DidInfo.model_validate(body["result"])

    async def list_connections(self, **params: str | int) -> list[ConnectionRecord]:
        return await self.list_results("/connections", ConnectionRecord, **params)

    async def list_credential_exchanges(
        self, **params: str | int
    ) -> list[CredentialExchangeRecord]:
        body = await self.request("GET", "/issue-credential-2.0/records", params=params or None)
        return [
            CredentialExchangeRecord.model_validate(item["cred_ex_record"])
            for item in body.get("results", [])
        ]

    async def list_presentation_exchanges(
        self, **params: str | int
    ) -> list[PresentationExchangeRecord]:
        return await self.list_results(
            "/present-proof-2.0/records", PresentationExchangeRecord, **params
        )
