"""One view of every stored credential, whatever its format, for lists, search and detail.

AnonCreds and W3C credentials live in different ACA-Py stores with different shapes; the
learner sees one list, so both are normalized into `StoredCredential`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from wallet.credentials.status_list import StatusListEntry

CredentialFormat = Literal["anoncreds", "w3c"]
# "suspended": a W3C status list says so for now (status_list.py); it may be lifted.
CredentialStatus = Literal["valid", "expired", "revoked", "suspended", "unknown"]
# Lists are newest first by issue date, or by the day the credential reached this wallet.
CredentialSort = Literal["issued", "received"]
FORMATS: tuple[CredentialFormat, ...] = ("anoncreds", "w3c")


class CredentialId(BaseModel):
    """Our id `<format>:<ACA-Py id>`: the prefix says which ACA-Py API holds the credential."""

    format: CredentialFormat
    acapy_id: str

    @classmethod
    def parse(cls, value: str) -> CredentialId | None:
        """None for anything that is not one of our ids (the API answers 404 for those)."""
        prefix, _, acapy_id = value.partition(":")
        if prefix not in FORMATS or not acapy_id or len(value) > 256:
            return None
        return cls.model_validate({"format": prefix, "acapy_id": acapy_id})

    def __str__(self) -> str:
        return f"{self.format}:{self.acapy_id}"


class StoredCredential(BaseModel):
    """A credential in the wallet as the learner sees it; `raw` only in the detail view."""

    id: str
    format: CredentialFormat
    proof_type: str | None = None
    issuer_did: str | None = None
    issuer_label: str | None = None
    types: list[str] = Field(default_factory=list)
    title: str
    issued: datetime | None = None
    expires: datetime | None = None
    received: datetime | None = None
    status: CredentialStatus = "unknown"
    attributes: dict[str, str] = Field(default_factory=dict)
    connection_id: str | None = None
    schema_id: str | None = None
    schema_name: str | None = None
    cred_def_id: str | None = None
    rev_reg_id: str | None = None
    cred_rev_id: str | None = None
    # Where a W3C credential's issuer publishes whether it is revoked or suspended.
    status_lists: list[StatusListEntry] = Field(default_factory=list)
    # A badge picture: a `data:image/...` URI (shown) or an http(s) URL (never fetched).
    image: str | None = None
    raw: dict[str, Any] | None = None

    @property
    def acapy_id(self) -> str:
        return self.id.partition(":")[2]

    @property
    def revocable(self) -> bool:
        """An AnonCreds registry or a W3C status list can say it is no longer valid."""
        return bool(self.rev_reg_id and self.cred_rev_id) or bool(self.status_lists)

    @property
    def sort_key(self) -> str:
        """Newest first by issue date; AnonCreds has none, so the day it arrived stands in."""
        moment = self.issued or self.received or datetime.fromtimestamp(0, UTC)
        return moment.astimezone(UTC).isoformat()

    @property
    def arrival_key(self) -> str:
        """Newest first by arrival (what came lately); the issue date stands in if unknown."""
        moment = self.received or self.issued or datetime.fromtimestamp(0, UTC)
        return moment.astimezone(UTC).isoformat()

    def order_key(self, sort: CredentialSort) -> str:
        return self.arrival_key if sort == "received" else self.sort_key

    def summary(self) -> StoredCredential:
        """The same view without the raw document, as the index keeps it."""
        return self.model_copy(update={"raw": None})

    def as_of(self, now: datetime) -> StoredCredential:
        """Expiry depends on the clock, so it is applied when read, not when indexed."""
        if self.status != "revoked" and self.expires is not None and self.expires <= now:
            return self.model_copy(update={"status": "expired"})
        return self


class CredentialPage(BaseModel):
    """One page of a search, newest first; `total` counts every match."""

    items: list[StoredCredential]
    total: int
    limit: int
    offset: int


class CredentialSearch(BaseModel):
    """What the learner searches by; words match any word prefix of 2 or more letters."""

    q: str | None = Field(default=None, max_length=200)
    format: CredentialFormat | None = None
    issuer: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)
    sort: CredentialSort = "issued"

    @model_validator(mode="after")
    def _received_lists_everything(self) -> CredentialSearch:
        """Only the plain list is kept in arrival order (in memory, see index.py)."""
        filtered = bool(self.q and self.q.strip()) or self.format or self.issuer
        if self.sort == "received" and filtered:
            raise ValueError("sort=received lists every credential: leave out q, format, issuer")
        return self
