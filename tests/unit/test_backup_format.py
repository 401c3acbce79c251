"""The backup file format: round trip, and every way a file can be wrong opens nothing.

Files here are written with Argon2id's minimum cost and small chunks, so that a member
spans several chunks and every chunk boundary can be cut at.
"""

from __future__ import annotations

import hashlib
import os
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wallet.backup.archive import (
    BackupKey,
    new_backup_key,
    read_backup_header,
    unlock,
    verify,
    write_backup,
)
from wallet.backup.crypto import TAG_BYTES, KdfCost
from wallet.backup.errors import (
    BackupDamaged,
    BackupTooNew,
    DiskFull,
    NotABackup,
    WrongBackupSecret,
)
from wallet.backup.header import MAGIC, read_header
from wallet.backup.manifest import MEMBER_NAMES, Manifest, Member, Role, SourceWallet, file_digest
from wallet.backup.phrase import (
    check_new_passphrase,
    kind_of,
    new_phrase,
    normalize_phrase,
    phrase_for_key,
)

CHEAP = KdfCost(opslimit=1, memlimit=8 * 1024)
CHUNK = 256
PASSPHRASE = "a long backup passphrase"


def _key(secret: str = PASSPHRASE) -> BackupKey:
    return new_backup_key(secret, "passphrase", CHEAP)


def _members(tmp_path: Path) -> dict[Role, Path]:
    parts = tmp_path / "parts"
    parts.mkdir()
    contents: dict[Role, bytes] = {
        "acapy_store": os.urandom(3000),
        "controller_store": os.urandom(700),
        "wallet_record": b'{"wallet_name": "learner-1"}',
        "settings": b'label = "Ada"\n',
    }
    files: dict[Role, Path] = {}
    for role, data in contents.items():
        files[role] = parts / role
        files[role].write_bytes(data)
    return files


def _manifest(files: dict[Role, Path]) -> Manifest:
    members = []
    for role, path in files.items():
        size, digest = file_digest(path)
        store_key = "k" if role.endswith("_store") else None
        name = MEMBER_NAMES[role]
        members.append(Member(role=role, name=name, size=size, sha256=digest, store_key=store_key))
    source = SourceWallet(
        wallet_name="learner-1",
        data_dir="/old",
        host="laptop",
        delivery="direct",
        endpoint=None,
        inbound_port=8030,
        running=False,
    )
    return Manifest(
        backup_id="b1", created=datetime.now(UTC), versions={}, source=source, members=members
    )


@pytest.fixture
def backup(tmp_path: Path) -> tuple[Path, BackupKey, Manifest]:
    files = _members(tmp_path)
    manifest = _manifest(files)
    key = _key()
    out = tmp_path / "wallet.lwbackup"
    write_backup(out, key, manifest, files, chunk_size=CHUNK)
    return out, key, manifest


def _open(path: Path, secret: str = PASSPHRASE) -> Manifest:
    master = unlock(read_backup_header(path), secret)
    return verify(path, master)[0]


def _header_length(path: Path) -> int:
    with path.open("rb") as handle:
        return len(read_header(handle)[1])


def test_round_trip_keeps_the_manifest_and_leaves_no_partial_file(backup, tmp_path) -> None:
    path, _, manifest = backup
    assert _open(path) == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts", "wallet.lwbackup"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(MAGIC)


def test_the_file_reveals_no_member_and_no_store_key(backup, tmp_path) -> None:
    data = backup[0].read_bytes()
    assert b"learner-1" not in data and b"Ada" not in data and b"manifest" not in data
    assert (tmp_path / "parts" / "acapy_store").read_bytes()[:64] not in data


def test_a_wrong_passphrase_is_told_apart_from_damage(backup) -> None:
    with pytest.raises(WrongBackupSecret):
        _open(backup[0], "another long passphrase")


def test_a_saved_key_writes_files_the_same_secret_opens(tmp_path) -> None:
    files = _members(tmp_path)
    key = _key()
    for name in ("one", "two"):
        write_backup(tmp_path / name, key, _manifest(files), files, chunk_size=CHUNK)
    one, two = (read_backup_header(tmp_path / n) for n in ("one", "two"))
    assert one.salt == two.salt and one.nonce_prefix != two.nonce_prefix
    assert _open(tmp_path / "two").source.wallet_name == "learner-1"


@pytest.mark.parametrize("where", ["magic", "version", "header", "checksum", "body", "tag"])
def test_a_flipped_bit_anywhere_opens_nothing(backup, where) -> None:
    path = backup[0]
    data = bytearray(path.read_bytes())
    header_end = _header_length(path)
    offset = {
        "magic": 3,
        "version": len(MAGIC) + 1,
        "header": len(MAGIC) + 10,
        "checksum": header_end - 5,
        "body": header_end + CHUNK // 2,
        "tag": len(data) - 3,
    }[where]
    data[offset] ^= 0x04
    path.write_bytes(bytes(data))
    expected = NotABackup if where == "magic" else BackupDamaged
    with pytest.raises(expected):
        _open(path)


def test_every_body_byte_is_checked(backup) -> None:
    """A sample of single-bit flips across the whole body: each one is caught."""
    path = backup[0]
    original = path.read_bytes()
    start = _header_length(path)
    for offset in range(start, len(original), 97):
        data = bytearray(original)
        data[offset] ^= 0x80
        path.write_bytes(bytes(data))
        with pytest.raises(BackupDamaged):
            _open(path)


def test_a_file_cut_anywhere_is_refused(backup) -> None:
    path = backup[0]
    original = path.read_bytes()
    start = _header_length(path)
    sealed = CHUNK + TAG_BYTES
    cuts = {1, 7, start - 1, start, start + 5, len(original) - 1}
    cuts |= {start + n * sealed for n in range(1, (len(original) - start) // sealed + 1)}
    for cut in sorted(c for c in cuts if 0 < c < len(original)):
        path.write_bytes(original[:cut])
        with pytest.raises(BackupDamaged):
            _open(path)


def test_appended_or_reordered_chunks_are_refused(backup) -> None:
    path = backup[0]
    original = path.read_bytes()
    start = _header_length(path)
    sealed = CHUNK + TAG_BYTES
    path.write_bytes(original + original[start : start + sealed])
    with pytest.raises(BackupDamaged):
        _open(path)
    body = original[start:]
    swapped = body[sealed : 2 * sealed] + body[:sealed] + body[2 * sealed :]
    path.write_bytes(original[:start] + swapped)
    with pytest.raises(BackupDamaged):
        _open(path)


def _with_version(path: Path, version: int) -> None:
    data = path.read_bytes()
    header_end = _header_length(path)
    head = bytearray(data[: header_end - 32])
    struct.pack_into(">H", head, len(MAGIC), version)
    path.write_bytes(bytes(head) + hashlib.sha256(head).digest() + data[header_end:])


def test_a_newer_format_is_named_as_such(backup) -> None:
    _with_version(backup[0], 2)
    with pytest.raises(BackupTooNew, match="newer Learner Wallet"):
        read_backup_header(backup[0])


def test_a_header_altered_with_a_fresh_checksum_opens_nothing(backup) -> None:
    """Whoever rewrites the header (here: the version back to 1 after a change) cannot
    make the body open: the header is the associated data of every chunk."""
    path = backup[0]
    data = path.read_bytes()
    header_end = _header_length(path)
    head = bytearray(data[: header_end - 32])
    head[-3] ^= 0x01  # inside the JSON fields (the key check's base64)
    path.write_bytes(bytes(head) + hashlib.sha256(head).digest() + data[header_end:])
    with pytest.raises((BackupDamaged, WrongBackupSecret)):
        _open(path)


def test_another_file_is_not_a_backup(tmp_path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("shopping list\n")
    with pytest.raises(NotABackup):
        read_backup_header(other)


def test_a_member_that_does_not_match_its_hash_is_refused(tmp_path) -> None:
    """Written with the right key but a wrong hash (a bug, or a forger with the phrase)."""
    files = _members(tmp_path)
    manifest = _manifest(files)
    manifest.members[0].sha256 = "0" * 64
    write_backup(tmp_path / "bad", _key(), manifest, files, chunk_size=CHUNK)
    with pytest.raises(BackupDamaged, match="does not match its hash"):
        _open(tmp_path / "bad")


def test_a_full_disk_while_writing_leaves_no_file(tmp_path, monkeypatch) -> None:
    files = _members(tmp_path)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle
            self.written = 0

        def write(self, data):
            self.written += len(data)
            if self.written > 600:
                raise OSError(28, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    out = tmp_path / "out.lwbackup"
    with pytest.raises(DiskFull):
        write_backup(out, _key(), _manifest(files), files, chunk_size=CHUNK)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts"]


def test_a_new_phrase_has_twelve_words_and_128_bits() -> None:
    phrase = new_phrase()
    assert len(phrase.split()) == 12
    assert kind_of(phrase) == "phrase"
    assert phrase_for_key("  " + phrase.upper().replace(" ", "   ") + "\n") == phrase


def test_a_mistyped_phrase_is_named_before_the_slow_derivation() -> None:
    words = new_phrase().split()
    with pytest.raises(WrongBackupSecret, match="word 3"):
        phrase_for_key(" ".join([*words[:2], "notaword", *words[3:]]))
    with pytest.raises(WrongBackupSecret, match="11 were given"):
        phrase_for_key(" ".join(words[:11]))
    swapped = [words[1], words[0], *words[2:]]
    if swapped != words and kind_of(" ".join(swapped)) == "passphrase":
        with pytest.raises(WrongBackupSecret, match="do not fit together"):
            phrase_for_key(" ".join(swapped))


def test_a_chosen_passphrase_must_not_be_short() -> None:
    with pytest.raises(WrongBackupSecret, match="at least 10"):
        check_new_passphrase("short")
    assert kind_of("twelve characters") == "passphrase"
    assert normalize_phrase("Abandon  ABOUT") == "abandon about"
