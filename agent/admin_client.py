"""The one typed client for ACA-Py's admin API (127.0.0.1 only, always with the key)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
from pydantic import BaseModel

from agent.admin_models import (
    AgentStatus,
    AnonCredsCredentialInfo,
    ConnectionRecord,
    CredentialExchangeDetail,
    CredentialExchangeRecord,
    DidCreateRequest,
    DidInfo,
    InvitationRecord,
    OobRecord,
    PresentationExchangeRecord,
    StoreResume,
    W3CCredentialQuery,
    W3CCredentialRecord,
)
from agent.json_stream import JsonStreamError, list_items

ModelT = TypeVar("ModelT", bound=BaseModel)
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=5)
# ACA-Py's Askar SQLite pool has only 2 connections per core and its handlers nest sessions:
# a burst of parallel calls (a page render plus flows) can stall every session for 10 s and
# answer 504. A few calls at a time are still fast and never starve the pool.
MAX_PARALLEL_CALLS = 2
STREAM_CHUNK = 64 * 1024


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
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=MAX_PARALLEL_CALLS),
            )
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

    async def credential_exchange(self, cred_ex_id: str) -> CredentialExchangeDetail:
        """The record with its format details (webhooks omit the offer body)."""
        return await self.get_model(
            f"/issue-credential-2.0/records/{quote(cred_ex_id, safe='')}",
            CredentialExchangeDetail,
        )

    async def list_credential_exchange_details(
        self, **params: str | int
    ) -> list[CredentialExchangeDetail]:
        return await self.list_results(
            "/issue-credential-2.0/records", CredentialExchangeDetail, **params
        )

    async def send_credential_request(
        self, cred_ex_id: str, holder_did: str | None = None
    ) -> CredentialExchangeRecord:
        """Accept an offer; `holder_did` binds the subject of an `ld_proof` credential."""
        body = {"holder_did": holder_did} if holder_did else {}
        path = f"/issue-credential-2.0/records/{quote(cred_ex_id, safe='')}/send-request"
        return CredentialExchangeRecord.model_validate(await self.request("POST", path, json=body))

    async def send_credential_problem_report(self, cred_ex_id: str, description: str) -> None:
        """Decline or abandon an exchange; both sides' records go to `abandoned`."""
        path = f"/issue-credential-2.0/records/{quote(cred_ex_id, safe='')}/problem-report"
        await self.request("POST", path, json={"description": description})

    async def finish_credential_store(self, cred_ex_id: str, min_idle: float) -> StoreResume:
        """Finish a store a crash cut off, once (route of `agent.plugins.handled_inbound`);
        exchanges that moved within `min_idle` seconds are left to ACA-Py (`busy`)."""
        path = f"/learner-wallet/issue-credential/records/{quote(cred_ex_id, safe='')}"
        body = await self.request("POST", f"{path}/finish-store", json={"min_idle": min_idle})
        return StoreResume.model_validate(body)

    async def connection(self, connection_id: str) -> ConnectionRecord:
        path = f"/connections/{quote(connection_id, safe='')}"
        return await self.get_model(path, ConnectionRecord)

    async def delete_connection(self, connection_id: str) -> None:
        """Forget one connection record (ACA-Py keeps any out-of-band record it came from)."""
        await self.request("DELETE", f"/connections/{quote(connection_id, safe='')}")

    async def send_basic_message(self, connection_id: str, content: str) -> None:
        """Send a basic message (RFC 0095); ACA-Py sends nothing on a connection not ready."""
        path = f"/connections/{quote(connection_id, safe='')}/send-message"
        await self.request("POST", path, json={"content": content})

    async def list_anoncreds_credentials(
        self, *, offset: int = 0, limit: int = 100, wql: str | None = None
    ) -> list[AnonCredsCredentialInfo]:
        """One page of stored AnonCreds credentials; `wql` filters by ACA-Py's tags."""
        params: dict[str, str | int] = {"offset": offset, "limit": limit}
        if wql is not None:
            params["wql"] = wql
        return await self.list_results("/credentials", AnonCredsCredentialInfo, **params)

    async def anoncreds_credential(self, credential_id: str) -> AnonCredsCredentialInfo:
        path = f"/credential/{quote(credential_id, safe='')}"
        return await self.get_model(path, AnonCredsCredentialInfo)

    async def delete_anoncreds_credential(self, credential_id: str) -> None:
        await self.request("DELETE", f"/credential/{quote(credential_id, safe='')}")

    async def anoncreds_credential_revoked(self, credential_id: str) -> bool:
        """Asks the issuer's published status list (resolved by ACA-Py) about one credential."""
        body = await self.request("GET", f"/credential/revoked/{quote(credential_id, safe='')}")
        return bool(body and body.get("revoked"))

    async def anoncreds_schema(self, schema_id: str) -> dict[str, Any]:
        """The resolved schema (`{"schema": {"name", "version", "attrNames", "issuerId"}}`)."""
        return await self.request("GET", f"/anoncreds/schema/{quote(schema_id, safe='')}")

    async def jsonld_context_urls(self) -> frozenset[str]:
        """Context URLs our agent loads offline (route of `agent.plugins.jsonld_contexts`)."""
        body = await self.request("GET", "/learner-wallet/jsonld-contexts")
        return frozenset(str(url) for url in body.get("urls", []))

    async def list_w3c_credentials(self, query: W3CCredentialQuery) -> list[W3CCredentialRecord]:
        body = await self.request(
            "POST", "/credentials/w3c", json=query.model_dump(exclude_none=True)
        )
        return [W3CCredentialRecord.model_validate(item) for item in body.get("results", [])]

    async def iter_w3c_credentials(
        self, query: W3CCredentialQuery
    ) -> AsyncIterator[W3CCredentialRecord]:
        """Like `list_w3c_credentials`, decoded one record at a time as the answer arrives."""
        url = f"{self.base_url}/credentials/w3c"
        body = query.model_dump(exclude_none=True)
        try:
            async with self._client().post(url, json=body) as response:
                if response.status >= 400:
                    reason = (await response.text()).strip()[:500] or response.reason or ""
                    raise AdminApiError(
                        f"ACA-Py refused POST /credentials/w3c ({response.status}): {reason}",
                        response.status,
                    )
                chunks = response.content.iter_chunked(STREAM_CHUNK)
                async for item in list_items(chunks, "results"):
                    yield W3CCredentialRecord.model_validate(item)
        except (aiohttp.ClientError, TimeoutError) as error:
            message = f"ACA-Py is not reachable (POST /credentials/w3c): {error}"
            raise AdminApiError(message) from None
        except JsonStreamError as error:
            raise AdminApiError(f"ACA-Py's answer to POST /credentials/w3c: {error}") from None

    async def w3c_credential(self, credential_id: str) -> W3CCredentialRecord:
        path = f"/credential/w3c/{quote(credential_id, safe='')}"
        return await self.get_model(path, W3CCredentialRecord)

    async def delete_w3c_credential(self, credential_id: str) -> None:
        await self.request("DELETE", f"/credential/w3c/{quote(credential_id, safe='')}")

    async def presentation_exchange(self, pres_ex_id: str) -> PresentationExchangeRecord:
        """One present-proof v2 record with its request body (webhooks omit it)."""
        path = f"/present-proof-2.0/records/{quote(pres_ex_id, safe='')}"
        return await self.get_model(path, PresentationExchangeRecord)

    async def presentation_candidates(
        self, pres_ex_id: str, *, limit: int, offset: int = 0
    ) -> list[dict[str, Any]]:
        """Credentials ACA-Py finds for a request: AnonCreds matches and stored W3C VCs.

        `limit` applies per AnonCreds referent and per DIF descriptor; ACA-Py ignores
        `offset` for DIF, so callers ask once with a large limit and de-duplicate.
        """
        path = f"/present-proof-2.0/records/{quote(pres_ex_id, safe='')}/credentials"
        body = await self.request("GET", path, params={"limit": limit, "offset": offset})
        return [item for item in body or [] if isinstance(item, dict)]

    async def prompt_inputs(
        self, pres_ex_id: str, *, w3c_held: int, index: list[str]
    ) -> dict[str, Any]:
        """A request's record, checks and candidates in one call (route of
        `agent.plugins.prompt_inputs`); `index`: the parts the wallet's index may answer."""
        path = f"/learner-wallet/presentations/{quote(pres_ex_id, safe='')}/prompt-inputs"
        params: dict[str, str | int] = {"w3c_held": w3c_held, "index": ",".join(index)}
        body = await self.request("GET", path, params=params)
        return body if isinstance(body, dict) else {}

    async def send_presentation(
        self, pres_ex_id: str, body: dict[str, Any]
    ) -> PresentationExchangeRecord:
        """Answer a proof request with exactly the credentials the learner approved."""
        path = f"/present-proof-2.0/records/{quote(pres_ex_id, safe='')}/send-presentation"
        return PresentationExchangeRecord.model_validate(
            await self.request("POST", path, json=body)
        )

    async def send_presentation_problem_report(self, pres_ex_id: str, description: str) -> None:
        """Decline a proof request; both sides' records go to `abandoned`."""
        path = f"/present-proof-2.0/records/{quote(pres_ex_id, safe='')}/problem-report"
        await self.request("POST", path, json={"description": description})

    async def receive_oob_invitation(
        self,
        invitation: dict[str, Any],
        *,
        alias: str | None = None,
        use_existing_connection: bool = True,
    ) -> OobRecord:
        """Accept an out-of-band invitation; an inviter we know (same DID) is reused."""
        params: dict[str, str | int] = {
            "auto_accept": "true",
            "use_existing_connection": str(use_existing_connection).lower(),
        }
        if alias:
            params["alias"] = alias
        body = await self.request(
            "POST", "/out-of-band/receive-invitation", json=invitation, params=params
        )
        return OobRecord.model_validate(body)

    async def create_oob_invitation(
        self,
        *,
        handshake_protocols: list[str],
        alias: str | None = None,
        multi_use: bool = False,
    ) -> InvitationRecord:
        """An invitation of our own that our agent accepts by itself when answered."""
        body: dict[str, Any] = {"handshake_protocols": handshake_protocols}
        if alias:
            body["alias"] = alias
        params: dict[str, str | int] = {
            "auto_accept": "true",
            "multi_use": str(multi_use).lower(),
        }
        answer = await self.request(
            "POST", "/out-of-band/create-invitation", json=body, params=params
        )
        return InvitationRecord.model_validate(answer)

    async def list_oob_records(self, **params: str | int) -> list[OobRecord]:
        """Out-of-band records; filter by `invi_msg_id`, `state`, `role` (`sender`: ours)."""
        return await self.list_results("/out-of-band/records", OobRecord, **params)

    async def delete_oob_invitation(self, invi_msg_id: str) -> None:
        """Delete an invitation we made: its out-of-band record and EVERY connection record
        that names it, including connections made from it (several for a multi-use one)."""
        await self.request("DELETE", f"/out-of-band/invitations/{quote(invi_msg_id, safe='')}")
