"""Where registered objects go: the files an issuer's web host serves.

The registrar only needs `publish(relative_ref, document)`; a directory behind any static
web server is the simplest host, other publishers (upload to object storage, a CMS) can
implement the same interface.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .identifiers import ANONCREDS_SERVICE, did_document_path, require_did_web

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~\-]+$")


class PublishError(Exception):
    """A document could not be published."""


class Publisher(ABC):
    """Makes a document available at `<#anoncreds endpoint><relative_ref>`."""

    @abstractmethod
    async def publish(self, relative_ref: str, document: dict[str, Any]) -> None:
        """Publish or replace the document at relative_ref (e.g. /schema/<rid>)."""


class DirectoryPublisher(Publisher):
    """Writes documents as files under the directory served at the `#anoncreds` endpoint."""

    def __init__(self, root: Path | str) -> None:
        self._root = Path(root)

    @property
    def root(self) -> Path:
        """The directory that maps to the endpoint URL."""
        return self._root

    def path_for(self, relative_ref: str) -> Path:
        """The file for a relative reference; refuses anything that could leave the root."""
        if not relative_ref.startswith("/"):
            raise PublishError(f"relative reference {relative_ref!r} must start with /")
        segments = relative_ref[1:].split("/")
        for segment in segments:
            if not _SAFE_SEGMENT.match(segment) or segment in {".", ".."}:
                raise PublishError(f"relative reference {relative_ref!r} has an unsafe segment")
        return self._root.joinpath(*segments)

    async def publish(self, relative_ref: str, document: dict[str, Any]) -> None:
        """Write the JSON atomically, so a reader never sees half a document."""
        path = self.path_for(relative_ref)
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        await asyncio.to_thread(write_atomically, path, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace path with data in one rename; readable by the web server (0644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def did_document(
    did: str,
    anoncreds_endpoint: str,
    verification_methods: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A minimal DID document whose `#anoncreds` service points at the endpoint."""
    require_did_web(did)
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "service": [
            {
                "id": f"{did}#{ANONCREDS_SERVICE}",
                "type": "AnonCredsRegistry",
                "serviceEndpoint": anoncreds_endpoint,
            }
        ],
    }
    if verification_methods:
        document["verificationMethod"] = verification_methods
        ids = [method["id"] for method in verification_methods]
        document["authentication"] = ids
        document["assertionMethod"] = ids
    return document


def ed25519_verification_method(did: str, public_key_base58: str) -> dict[str, Any]:
    """An Ed25519VerificationKey2018 entry, e.g. for a key made with /wallet/did/create."""
    return {
        "id": f"{did}#key-1",
        "type": "Ed25519VerificationKey2018",
        "controller": did,
        "publicKeyBase58": public_key_base58,
    }


def write_did_document(
    web_root: Path | str,
    did: str,
    anoncreds_endpoint: str,
    verification_methods: list[dict[str, Any]] | None = None,
) -> Path:
    """Write did.json where did:web resolution looks for it under the host's web root."""
    document = did_document(did, anoncreds_endpoint, verification_methods)
    path = Path(web_root).joinpath(*did_document_path(did).strip("/").split("/"))
    write_atomically(path, json.dumps(document, indent=1).encode("utf-8"))
    return path
