"""The manifest inside a backup: versions, where it came from, and a hash of every member."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from wallet.backup.header import FORMAT_VERSION

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
READ_SIZE = 1024 * 1024

# What each member is; restore puts each at a fixed place, never at a path from the file.
Role = Literal["acapy_store", "controller_store", "settings", "wallet_record"]
MEMBER_NAMES: dict[Role, str] = {
    "acapy_store": "acapy/sqlite.db",
    "controller_store": "controller/sqlite.db",
    "settings": "config.toml",
    "wallet_record": "wallet.json",
}
REQUIRED_ROLES: tuple[Role, ...] = ("acapy_store", "controller_store", "wallet_record")


class Member(BaseModel):
    role: Role
    name: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    # The random raw key an Askar copy is sealed with; it never exists outside this file.
    store_key: str | None = Field(default=None, repr=False)


class SourceWallet(BaseModel):
    """Where the backup came from, so a restore can warn about two live copies."""

    wallet_name: str
    data_dir: str
    host: str
    delivery: str
    endpoint: str | None
    inbound_port: int | None
    running: bool  # the wallet ran while the backup was made


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    backup_id: str
    created: datetime
    versions: dict[str, str]
    source: SourceWallet
    members: list[Member]

    def member(self, role: Role) -> Member | None:
        return next((m for m in self.members if m.role == role), None)


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in pieces."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while piece := handle.read(READ_SIZE):
            digest.update(piece)
            size += len(piece)
    return size, digest.hexdigest()
