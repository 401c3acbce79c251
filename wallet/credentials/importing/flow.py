"""Importing a credential file: check (verify, preview, nothing stored), then store.

A credential past its expiry date is imported, not refused: a wallet keeps the learner's
record, and an expired certificate still proves what was once achieved (as a paper one in
a drawer does). The list marks it expired, as it marks every other expired credential,
and a verifier judges validity for itself. A credential valid only from a later date is
imported too, and the preview says from when. Trust is never implied by a valid proof:
the preview says whether the issuer is on the learner's trust list (ACA-Py checks that the
issuer controls the signing key, so the issuer named is the one who signed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import W3CCredentialQuery, W3CCredentialRecord
from wallet.credentials.importing.checks import (
    check_before_verifying,
    proof_values,
    proofs_of,
)
from wallet.credentials.importing.files import credentials_in
from wallet.credentials.importing.refusals import ImportRefused, RefusalReason
from wallet.credentials.importing.verification import verify_offline
from wallet.credentials.models import StoredCredential
from wallet.credentials.normalize import from_w3c
from wallet.credentials.source import MAX_W3C, Origin
from wallet.credentials.stored import StoredCredentials
from wallet.history import (
    History,
    HistoryEntry,
    HistoryError,
    HistoryVerifier,
    UsedCredential,
)

LOGGER = logging.getLogger(__name__)
STORE_PATH = "/vc/credentials/store"
CLOCK_SKEW = timedelta(minutes=5)
ImportStatus = Literal["ready", "already_held", "refused", "stored"]
TrustedName = Callable[[str | None], str | None]  # the trust list's name for an issuer DID


class ImportItem(BaseModel):
    """One credential of the file: what it is, and whether it can be (or was) stored."""

    position: int  # 1 for the first credential in the file
    status: ImportStatus
    reason: RefusalReason | None = None
    detail: str | None = None  # technical, for experts
    credential: StoredCredential | None = None  # the preview, as the list shows credentials
    issuer_trusted: bool = False
    credential_id: str | None = None  # ours, once stored or when already held
    valid_from: datetime | None = None  # set only when that is still to come


class ImportReport(BaseModel):
    items: list[ImportItem]

    def count(self, status: ImportStatus) -> int:
        return sum(1 for item in self.items if item.status == status)


class CredentialImport:
    """Verifies through the wallet's own ACA-Py, stores there, indexes here."""

    def __init__(
        self,
        client: AdminClient,
        credentials: StoredCredentials,
        trusted_name: TrustedName,
        history: History | None = None,
    ) -> None:
        self._client = client
        self._credentials = credentials
        self._trusted_name = trusted_name
        self._history = history

    async def check(self, content: bytes) -> ImportReport:
        """Verify every credential in the file; ImportRefused when the file holds none."""
        report, _ = await self._checked(content)
        return report

    async def store(self, content: bytes) -> ImportReport:
        """Verify again (never trust an earlier check) and store what is ready."""
        report, documents = await self._checked(content)
        items = [
            await self._store(item, documents[item.position - 1])
            if item.status == "ready"
            else item
            for item in report.items
        ]
        return ImportReport(items=items)

    async def _checked(self, content: bytes) -> tuple[ImportReport, list[dict[str, Any]]]:
        documents = credentials_in(content)
        known = await self._known_contexts()
        items: list[ImportItem] = []
        seen: dict[str, int] = {}
        for position, document in enumerate(documents, start=1):
            items.append(await self._check_one(position, document, known, seen))
        return ImportReport(items=items), documents

    async def _check_one(
        self,
        position: int,
        document: dict[str, Any],
        known: frozenset[str] | None,
        seen: dict[str, int],
    ) -> ImportItem:
        try:
            check_before_verifying(document, known)
            await verify_offline(self._client, document)
        except ImportRefused as refused:
            LOGGER.info("import: credential %d refused (%s)", position, refused.reason)
            return ImportItem(
                position=position, status="refused", reason=refused.reason, detail=refused.detail
            )
        item = self._preview(position, document)
        key = _identity(document)
        if key in seen:
            detail = f"the same credential as number {seen[key]} in this file"
            return item.model_copy(update={"status": "already_held", "detail": detail})
        seen[key] = position
        held = await self._held_id(document)
        if held is not None:
            return item.model_copy(update={"status": "already_held", "credential_id": held})
        return item

    def _preview(self, position: int, document: dict[str, Any]) -> ImportItem:
        now = datetime.now(UTC)
        issuer = issuer_of(document)
        trusted_name = self._trusted_name(issuer)
        credential = from_w3c(
            _record(document, str(document.get("id") or "")), issuer_label=trusted_name
        ).as_of(now)
        upcoming = credential.issued if credential.issued and credential.issued > now else None
        return ImportItem(
            position=position,
            status="ready",
            credential=credential.summary(),
            issuer_trusted=trusted_name is not None,
            valid_from=upcoming if upcoming and upcoming > now + CLOCK_SKEW else None,
        )

    async def _held_id(self, document: dict[str, Any]) -> str | None:
        """Our id of the same credential if the wallet holds it: by its `id`, else (an
        id-less one) by its signature among the same issuer's credentials."""
        given = document.get("id")
        if isinstance(given, str) and given:
            query = W3CCredentialQuery(given_id=given, max_results=1)
            found = await self._client.list_w3c_credentials(query)
            return f"w3c:{found[0].record_id}" if found else None
        signatures = proof_values(document)
        query = W3CCredentialQuery(issuer_id=issuer_of(document), max_results=MAX_W3C)
        async for record in self._client.iter_w3c_credentials(query):
            if proof_values(record.cred_value) & signatures:
                return f"w3c:{record.record_id}"
        return None

    async def _store(self, item: ImportItem, document: dict[str, Any]) -> ImportItem:
        # Verified just now by `_checked`: ACA-Py need not verify it a second time.
        body = {"verifiableCredential": document, "options": {"skipVerification": True}}
        try:
            answer = await self._client.request("POST", STORE_PATH, json=body)
        except AdminApiError as error:
            if error.status == 400 and "Duplicate" in str(error):  # stored a moment ago
                held = await self._held_id(document)
                return item.model_copy(update={"status": "already_held", "credential_id": held})
            raise
        record = await self._client.w3c_credential(str(answer["credentialId"]))
        label = item.credential.issuer_label if item.credential else None
        origin = Origin(None, label, datetime.now(UTC))
        credential = await self._credentials.record_imported(record, origin)
        LOGGER.info("import: credential %d stored as %s", item.position, credential.id)
        await self._note_in_history(credential, item.issuer_trusted)
        return item.model_copy(
            update={"status": "stored", "credential_id": credential.id, "credential": credential}
        )

    async def _note_in_history(self, credential: StoredCredential, trusted: bool) -> None:
        if self._history is None:
            return
        issuer = HistoryVerifier(
            label=credential.issuer_label or "",
            did=credential.issuer_did,
            trusted=trusted,
            trusted_name=credential.issuer_label if trusted else None,
        )
        used = UsedCredential(
            id=credential.id, title=credential.title, format="w3c", issuer_id=credential.issuer_did
        )
        entry = HistoryEntry(
            kind="imported",
            exchange_id=f"import:{credential.id}",
            outcome="approved",
            verifier=issuer,
            request_name=credential.title,
            credentials=[used],
        )
        try:
            await self._history.add(entry)
        except HistoryError as error:  # the credential is stored: the note is what is lost
            LOGGER.warning("import of %s not noted in the history: %s", credential.id, error)

    async def _known_contexts(self) -> frozenset[str] | None:
        """The contexts our agent loads offline; None if it cannot say (ACA-Py decides)."""
        try:
            return await self._client.jsonld_context_urls()
        except AdminApiError as error:
            LOGGER.warning("bundled contexts not listed, ACA-Py checks them: %s", error)
            return None


def issuer_of(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) and value else None


def _record(document: dict[str, Any], record_id: str) -> W3CCredentialRecord:
    proof_types = [str(proof.get("type")) for proof in proofs_of(document)]
    return W3CCredentialRecord(
        record_id=record_id,
        cred_value=document,
        issuer_id=issuer_of(document),
        proof_types=proof_types,
        given_id=record_id or None,
    )


def _identity(document: dict[str, Any]) -> str:
    """The same credential twice in one file: same id, or (without one) same signature."""
    given = document.get("id")
    if isinstance(given, str) and given:
        return f"id:{given}"
    return "proof:" + "|".join(sorted(proof_values(document)))
