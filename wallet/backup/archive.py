"""One backup file: the plain header, then a sealed tar stream of the manifest and members.

Writing goes to a hidden file beside the target and is renamed into place when complete, so
an interrupted backup never leaves a file that looks whole. Reading walks the stream once:
`verify` hashes every member without writing anything; `extract` writes each member into
the file the caller gives and checks it all again.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import secrets
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from wallet.backup.crypto import (
    CHUNK_SIZE,
    KdfCost,
    OpeningReader,
    SealingWriter,
    derive_master_key,
    key_check,
    key_matches,
    random_bytes,
    sealing_key,
)
from wallet.backup.errors import BackupDamaged, DiskFull, WrongBackupSecret, is_disk_full
from wallet.backup.header import (
    FORMAT_VERSION,
    NONCE_PREFIX_BYTES,
    SALT_BYTES,
    BackupHeader,
    CipherParams,
    HeaderFields,
    KdfParams,
    SecretKind,
    read_header,
)
from wallet.backup.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MEMBER_NAMES,
    READ_SIZE,
    REQUIRED_ROLES,
    Manifest,
    Member,
    Role,
)


@dataclass(frozen=True)
class BackupKey:
    """A key derived from the learner's phrase or passphrase, with what derived it.

    The wallet keeps one (in its encrypted controller store) so later backups need no
    phrase; each file still gets its own nonce prefix.
    """

    master: bytes = field(repr=False)
    salt: bytes
    cost: KdfCost
    kind: SecretKind


def new_backup_key(secret: str, kind: SecretKind, cost: KdfCost | None = None) -> BackupKey:
    """Derive a key under a fresh salt; `secret` is already normalized (phrase.py)."""
    cost = cost or KdfCost()
    salt = random_bytes(SALT_BYTES)
    return BackupKey(derive_master_key(secret, salt, cost), salt, cost, kind)


def unlock(header: BackupHeader, secret: str) -> bytes:
    """The master key for this file; WrongBackupSecret if the phrase does not open it."""
    kdf = header.fields.kdf
    master = derive_master_key(secret, header.salt, KdfCost(kdf.opslimit, kdf.memlimit))
    if not key_matches(master, header.nonce_prefix, header.key_check):
        raise WrongBackupSecret(
            "this recovery phrase does not open the backup; check the words against what "
            "you wrote down when this backup's phrase was shown"
            if header.fields.secret == "phrase"  # noqa: S105 (a kind, not a secret)
            else "this passphrase does not open the backup"
        )
    return master


def _new_header(key: BackupKey, chunk_size: int) -> BackupHeader:
    prefix = random_bytes(NONCE_PREFIX_BYTES)
    fields = HeaderFields(
        kdf=KdfParams(opslimit=key.cost.opslimit, memlimit=key.cost.memlimit, salt=_b64(key.salt)),
        cipher=CipherParams(nonce_prefix=_b64(prefix), chunk_size=chunk_size),
        secret=key.kind,
        key_check=_b64(key_check(key.master, prefix)),
    )
    return BackupHeader(version=FORMAT_VERSION, fields=fields)


def write_backup(
    out: Path,
    key: BackupKey,
    manifest: Manifest,
    files: dict[Role, Path],
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """Write the whole file beside `out`, then rename it into place (never a half file)."""
    header = _new_header(key, chunk_size)
    aad = header.encode()
    partial = out.with_name(f".{out.name}.partial-{secrets.token_hex(4)}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            sink.write(aad)
            sealer = SealingWriter(
                sink, sealing_key(key.master), header.nonce_prefix, aad, chunk_size
            )
            _write_tar(sealer, manifest, files)
            sealer.finish()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, out)
        _fsync_dir(out.parent)
    except OSError as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the backup could not be written") from None
        raise
    finally:
        partial.unlink(missing_ok=True)


def _write_tar(sealer: SealingWriter, manifest: Manifest, files: dict[Role, Path]) -> None:
    with tarfile.open(fileobj=sealer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
        body = manifest.model_dump_json(indent=2).encode()
        archive.addfile(_info(MANIFEST_NAME, len(body)), io.BytesIO(body))
        for member in manifest.members:
            with files[member.role].open("rb") as handle:
                archive.addfile(_info(member.name, member.size), handle)


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = 0
    return info


def read_backup_header(path: Path) -> BackupHeader:
    with path.open("rb") as source:
        return read_header(source)[0]


def verify(path: Path, master: bytes) -> tuple[Manifest, bytes]:
    """Check every byte and every member's hash, writing nothing; the manifest and header."""
    return _walk(path, master, lambda _member: None)


def extract(
    path: Path, master: bytes, expected_header: bytes, target_of: Callable[[Member], Path]
) -> Manifest:
    """Write each member to `target_of(member)`, checking everything again as it goes.

    A file changed since `verify` (another header) is refused; a member that does not match
    its hash raises after its bytes were written: the caller removes its temporary dir.
    """

    def sink_for(member: Member) -> BinaryIO:
        target = target_of(member)
        _private_dirs(target.parent)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return os.fdopen(fd, "wb")

    try:
        manifest, header = _walk(path, master, sink_for)
    except OSError as error:
        if is_disk_full(error):
            raise DiskFull("the disk is full: the wallet could not be restored") from None
        raise
    if header != expected_header:
        raise BackupDamaged("the backup file changed while it was being restored")
    return manifest


def _walk(
    path: Path, master: bytes, sink_for: Callable[[Member], BinaryIO | None]
) -> tuple[Manifest, bytes]:
    with path.open("rb") as source:
        header, aad = read_header(source)
        cipher = header.fields.cipher
        if not key_matches(master, header.nonce_prefix, header.key_check):
            raise WrongBackupSecret("this recovery phrase or passphrase does not open the backup")
        reader = OpeningReader(
            source, sealing_key(master), header.nonce_prefix, aad, cipher.chunk_size
        )
        try:
            with tarfile.open(fileobj=reader, mode="r|") as archive:
                manifest = _read_manifest(archive, header.version)
                _read_members(archive, manifest, sink_for)
        except tarfile.TarError:
            raise BackupDamaged("the backup's contents cannot be read") from None
        reader.drain()
    return manifest, aad


def _read_manifest(archive: tarfile.TarFile, version: int) -> Manifest:
    first = archive.next()
    if first is None or first.name != MANIFEST_NAME or not first.isfile():
        raise BackupDamaged("the backup has no list of its contents")
    if first.size > MAX_MANIFEST_BYTES:
        raise BackupDamaged("the backup's list of contents is too large")
    handle = archive.extractfile(first)
    assert handle is not None
    try:
        manifest = Manifest.model_validate_json(handle.read())
    except ValidationError:
        raise BackupDamaged("the backup's list of contents cannot be read") from None
    if manifest.format_version != version:
        raise BackupDamaged("the backup's contents do not match its header")
    roles = [member.role for member in manifest.members]
    if len(set(roles)) != len(roles) or not set(REQUIRED_ROLES) <= set(roles):
        raise BackupDamaged("the backup does not hold everything a wallet needs")
    if any(member.name != MEMBER_NAMES[member.role] for member in manifest.members):
        raise BackupDamaged("the backup's list of contents names unknown files")
    return manifest


def _read_members(
    archive: tarfile.TarFile,
    manifest: Manifest,
    sink_for: Callable[[Member], BinaryIO | None],
) -> None:
    expected = {member.name: member for member in manifest.members}
    seen: set[str] = set()
    while (info := archive.next()) is not None:
        member = expected.get(info.name)
        if member is None or info.name in seen or not info.isfile() or info.size != member.size:
            raise BackupDamaged(f"the backup holds an unexpected part ({info.name})")
        seen.add(info.name)
        handle = archive.extractfile(info)
        assert handle is not None
        with _maybe(sink_for(member)) as sink:
            digest = hashlib.sha256()
            while piece := handle.read(READ_SIZE):
                digest.update(piece)
                if sink is not None:
                    sink.write(piece)
            if sink is not None:
                sink.flush()
                os.fsync(sink.fileno())
        if digest.hexdigest() != member.sha256:
            raise BackupDamaged(f"a part of the backup ({member.name}) does not match its hash")
    if seen != set(expected):
        raise BackupDamaged("the backup is missing parts it lists")


@contextlib.contextmanager
def _maybe(sink: BinaryIO | None) -> Iterator[BinaryIO | None]:
    if sink is None:
        yield None
        return
    with sink:
        yield sink


def _private_dirs(path: Path) -> None:
    """Create `path` and its missing parents readable by the owner only."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
