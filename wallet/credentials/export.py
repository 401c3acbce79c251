"""Credentials leaving for another wallet: the issuer's signed document, untouched.

A W3C credential (Open Badges 3.0 too) is a self-contained signed JSON-LD document, so
another wallet can import it as ACA-Py stored it. AnonCreds credentials are bound to this
wallet's link secret and cannot be used anywhere else: they never leave.
"""

from __future__ import annotations

import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.admin_models import W3CCredentialRecord
from wallet.credentials.models import CredentialId
from wallet.credentials.normalize import w3c_title
from wallet.credentials.source import CredentialSource

LOGGER = logging.getLogger(__name__)
MAX_NAME = 80
FALLBACK_NAME = "credential"
README_NAME = "README.txt"
UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
RUNS = re.compile(r"[\s_-]*[ _-][\s_-]*")
WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"{p}{n}" for p in ("COM", "LPT") for n in range(10)),
}
# Letters that do not decompose into a plain letter and a mark.
SPELLED_OUT = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O"}
    | {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th"}
)
Readme = Callable[[int, int], str]


class NotExportable(Exception):
    """The credential cannot leave this wallet (AnonCreds: bound to its link secret)."""


@dataclass(frozen=True)
class ExportedCredential:
    """One signed document and the file name it is saved under."""

    file_name: str
    document: dict[str, Any]

    def content(self) -> bytes:
        return json.dumps(self.document, indent=2, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class ExportBundle:
    """The zip of every W3C credential, and how many AnonCreds ones stayed behind."""

    content: bytes
    exported: int
    left_out: int


def safe_file_name(title: str, suffix: str = ".json") -> str:
    """A plain ASCII name any file system takes, from the credential's title."""
    spelled = unicodedata.normalize("NFKD", title.translate(SPELLED_OUT))
    ascii_title = spelled.encode("ascii", "ignore").decode()
    plain = RUNS.sub("-", UNSAFE.sub(" ", ascii_title)).strip(" .-")
    plain = plain[:MAX_NAME].rstrip(" .-") or FALLBACK_NAME
    if plain.partition(".")[0].upper() in WINDOWS_DEVICES:
        plain = f"{FALLBACK_NAME}-{plain}"
    return plain + suffix


def exported(record: W3CCredentialRecord) -> ExportedCredential:
    document = record.cred_value
    types = document.get("type")
    title = w3c_title(document, types if isinstance(types, list) else [types])
    return ExportedCredential(safe_file_name(title), document)


async def export_one(source: CredentialSource, credential_id: CredentialId) -> ExportedCredential:
    """The stored signed document; NotExportable for AnonCreds, CredentialNotFound if gone."""
    record = await source.record(credential_id)
    if not isinstance(record, W3CCredentialRecord):
        raise NotExportable(str(credential_id))
    return exported(record)


async def export_all(source: CredentialSource, readme: Readme) -> ExportBundle:
    """A zip with one `.json` per W3C credential (unique names), and a README.txt saying
    in the learner's words (`readme(exported, left_out)`) what is in it and what is not."""
    buffer = io.BytesIO()
    taken: set[str] = {README_NAME.lower()}
    count = left_out = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async for _key, record in source.each_record():
            if not isinstance(record, W3CCredentialRecord):
                left_out += 1
                continue
            item = exported(record)
            archive.writestr(_unique(item.file_name, taken), item.content())
            count += 1
        archive.writestr(README_NAME, readme(count, left_out).encode("utf-8"))
    LOGGER.info("exported %d W3C credentials (%d AnonCreds left out)", count, left_out)
    return ExportBundle(buffer.getvalue(), count, left_out)


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`… (compared without case: some file systems ignore it)."""
    stem, dot, suffix = name.rpartition(".")
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}"
    taken.add(candidate.lower())
    return candidate
