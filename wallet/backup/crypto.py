"""The backup's cryptography: Argon2id key derivation and XChaCha20-Poly1305 over chunks.

The body is sealed chunk by chunk (the STREAM construction): each chunk's nonce is the
file's random prefix, the chunk's number and a last-chunk flag, and every chunk carries the
whole plain header as associated data. Reordered, dropped, appended or cut-off chunks, and
any altered byte, fail to open; memory stays at one chunk whatever the wallet's size.
"""

from __future__ import annotations

import hmac
import io
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

import nacl.exceptions
import nacl.pwhash.argon2id
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from wallet.backup.errors import BackupDamaged, DiskFull, is_disk_full

KEY_BYTES = 32
TAG_BYTES = 16
CHUNK_SIZE = 1024 * 1024
# Argon2id "moderate" (libsodium): 256 MiB, 3 passes; about 2 s on a small laptop.
OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MODERATE
_COUNTER = struct.Struct(">Q")  # 7 bytes of it are used: 2**56 chunks


@dataclass(frozen=True)
class KdfCost:
    opslimit: int = OPSLIMIT
    memlimit: int = MEMLIMIT


def derive_master_key(secret: str, salt: bytes, cost: KdfCost) -> bytes:
    """Argon2id over the normalized phrase or passphrase (see phrase.py)."""
    return nacl.pwhash.argon2id.kdf(
        KEY_BYTES,
        secret.encode("utf-8"),
        salt,
        opslimit=cost.opslimit,
        memlimit=cost.memlimit,
    )


def sealing_key(master: bytes) -> bytes:
    return blake2b(
        b"", digest_size=KEY_BYTES, key=master, person=b"lw-backup-seal", encoder=RawEncoder
    )


def key_check(master: bytes, nonce_prefix: bytes) -> bytes:
    """A keyed hash stored in the header: a wrong phrase shows before any chunk is opened."""
    return blake2b(
        nonce_prefix,
        digest_size=KEY_BYTES,
        key=master,
        person=b"lw-backup-check",
        encoder=RawEncoder,
    )


def key_matches(master: bytes, nonce_prefix: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(key_check(master, nonce_prefix), expected)


def random_bytes(size: int) -> bytes:
    return os.urandom(size)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + _COUNTER.pack(counter)[1:] + (b"\x01" if last else b"\x00")


class SealingWriter(io.RawIOBase):
    """A write-only stream that seals what is written into `sink`, one chunk at a time."""

    def __init__(
        self, sink: BinaryIO, key: bytes, nonce_prefix: bytes, aad: bytes, chunk_size: int
    ) -> None:
        super().__init__()
        self._sink = sink
        self._key = key
        self._prefix = nonce_prefix
        self._aad = aad
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self.finished = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        # A full chunk is sealed only once more follows: the last one must carry the flag.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def finish(self) -> None:
        """Seal what is left as the last chunk (possibly empty); nothing may follow."""
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self.finished = True

    def _seal(self, chunk: bytes, last: bool) -> None:
        sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(
            chunk, self._aad, _nonce(self._prefix, self._counter, last), self._key
        )
        self._counter += 1
        try:
            self._sink.write(sealed)
        except OSError as error:
            if is_disk_full(error):
                raise DiskFull("the disk is full: the backup could not be written") from None
            raise


class OpeningReader(io.RawIOBase):
    """A read-only stream of the body's plain bytes; a chunk is released only once it opened."""

    def __init__(
        self, source: BinaryIO, key: bytes, nonce_prefix: bytes, aad: bytes, chunk_size: int
    ) -> None:
        super().__init__()
        self._source = source
        self._key = key
        self._prefix = nonce_prefix
        self._aad = aad
        self._sealed_size = chunk_size + TAG_BYTES
        self._plain = b""
        self._offset = 0
        self._counter = 0
        self._lookahead = b""
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._plain):
            if self.finished:
                return 0
            self._plain = self._open_next()
            self._offset = 0
        size = min(len(buffer), len(self._plain) - self._offset)
        buffer[:size] = self._plain[self._offset : self._offset + size]
        self._offset += size
        return size

    def drain(self) -> None:
        """Read to the end, so the last chunk's flag (no cut-off, nothing appended) is checked."""
        while self.read(CHUNK_SIZE):
            pass
        if not self.finished:
            raise BackupDamaged("the file is cut short")

    def _open_next(self) -> bytes:
        sealed = self._lookahead + self._source.read(self._sealed_size - len(self._lookahead))
        self._lookahead = self._source.read(1)
        last = not self._lookahead
        if len(sealed) < TAG_BYTES:
            raise BackupDamaged("the file is cut short: its last part is missing")
        try:
            plain = crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, self._aad, _nonce(self._prefix, self._counter, last), self._key
            )
        except nacl.exceptions.CryptoError:
            raise BackupDamaged(
                "the file is damaged or cut short: part of it does not match what was written"
            ) from None
        self._counter += 1
        self.finished = last
        return plain
