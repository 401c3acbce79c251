"""The plain header in front of a backup: what is needed to derive the key and open the body.

Layout (fixed for every format version, so a newer file is told apart from a damaged one):
magic (8 bytes), format version (u16), length of the JSON fields (u32), the JSON fields,
SHA-256 of everything before it. The whole header is the AEAD's associated data, so an
altered header opens nothing; the checksum only tells a damaged file from a wrong phrase.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Callable
from typing import BinaryIO, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from wallet.backup.errors import BackupDamaged, BackupTooNew, NotABackup

MAGIC = b"LWBACKUP"
FORMAT_VERSION = 1
_PREFIX = struct.Struct(">HI")
_MAX_FIELDS = 64 * 1024
_CHECKSUM_BYTES = 32
SALT_BYTES = 16
NONCE_PREFIX_BYTES = 16
KEY_CHECK_BYTES = 32

SecretKind = Literal["phrase", "passphrase"]


def _b64(length: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            raise ValueError("not base64") from None
        if len(raw) != length:
            raise ValueError(f"must be {length} bytes")
        return value

    return check


class KdfParams(BaseModel):
    """Argon2id over the phrase or passphrase; bounds keep a crafted file from exhausting us."""

    name: Literal["argon2id"] = "argon2id"
    opslimit: int = Field(ge=1, le=20)
    memlimit: int = Field(ge=8 * 1024, le=2 * 1024**3)
    salt: str

    _salt = field_validator("salt")(_b64(SALT_BYTES))


class CipherParams(BaseModel):
    """XChaCha20-Poly1305 over fixed-size chunks (STREAM: counter and last-chunk flag)."""

    name: Literal["xchacha20poly1305-stream"] = "xchacha20poly1305-stream"
    nonce_prefix: str
    chunk_size: int = Field(ge=64, le=16 * 1024 * 1024)

    _prefix = field_validator("nonce_prefix")(_b64(NONCE_PREFIX_BYTES))


class HeaderFields(BaseModel):
    kdf: KdfParams
    cipher: CipherParams
    secret: SecretKind  # tells restore whether to ask for the 12 words or a passphrase
    key_check: str  # keyed hash of the derived key: a wrong phrase is told from a damaged body

    _check = field_validator("key_check")(_b64(KEY_CHECK_BYTES))


class BackupHeader(BaseModel):
    version: int
    fields: HeaderFields

    @property
    def salt(self) -> bytes:
        return base64.b64decode(self.fields.kdf.salt)

    @property
    def nonce_prefix(self) -> bytes:
        return base64.b64decode(self.fields.cipher.nonce_prefix)

    @property
    def key_check(self) -> bytes:
        return base64.b64decode(self.fields.key_check)

    def encode(self) -> bytes:
        body = self.fields.model_dump_json().encode()
        head = MAGIC + _PREFIX.pack(self.version, len(body)) + body
        return head + hashlib.sha256(head).digest()


def read_header(source: BinaryIO) -> tuple[BackupHeader, bytes]:
    """The header and its exact bytes (the associated data); the source is left after it."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        if len(magic) < len(MAGIC) and MAGIC.startswith(magic) and magic:
            raise BackupDamaged("the file is cut short: it ends inside its header")
        raise NotABackup("this file is not a Learner Wallet backup")
    prefix = _read_exactly(source, _PREFIX.size)
    version, length = _PREFIX.unpack(prefix)
    if length > _MAX_FIELDS:
        raise BackupDamaged("the file's header is damaged (its length makes no sense)")
    body = _read_exactly(source, length)
    checksum = _read_exactly(source, _CHECKSUM_BYTES)
    head = magic + prefix + body
    if hashlib.sha256(head).digest() != checksum:
        raise BackupDamaged("the file's header is damaged: its checksum does not match")
    if version > FORMAT_VERSION:
        raise BackupTooNew(
            f"this backup was made by a newer Learner Wallet (backup format {version}; this "
            f"version reads format {FORMAT_VERSION}). Update Learner Wallet, then restore again"
        )
    if version < 1:
        raise BackupDamaged(f"the file's header names an unknown format ({version})")
    try:
        fields = HeaderFields.model_validate_json(body)
    except ValidationError:
        raise BackupDamaged("the file's header is damaged: its fields cannot be read") from None
    return BackupHeader(version=version, fields=fields), head + checksum


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupDamaged("the file is cut short: it ends inside its header")
    return data
