"""Exact claim tags of W3C credentials, so a proof request's field filters can be pre-checked.

ACA-Py's candidate route ignores a DIF descriptor's field filters, so without help the
wallet reads every W3C credential it holds for each request. This index keeps, per W3C
credential, one encrypted Askar tag per string value reachable by plain member names: the
tag's name is a digest of the path (`credentialSubject` / `courseTitle`), its value a digest
of the text, so a field asking for a constant (or one of a few) at such a path is an
equality query inside the store, and only the credentials that can match are read from
ACA-Py. Digests keep tags small and free of the characters Askar's tag decoding refuses
(quotes, backslashes, escaped non-ASCII).

It only ever narrows, never decides: the consent engine still checks every candidate. An
entry that could not hold every such value (a huge credential, no document) is tagged
`partial` and always counts as a possible match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from aries_askar import Session

CLAIMS_CATEGORY = "credential-claims"
PARTIAL = "partial"
# JSONPath depth the consent engine accepts (protocols/consent/jsonpath.MAX_SEGMENTS).
MAX_DEPTH = 12
MAX_CLAIMS = 400
DIGEST_CHARS = 32  # 128 bits of SHA-256: no two paths or values collide in practice


def claim_key(segments: tuple[str, ...] | list[str]) -> str:
    """The tag name for a path of member names (JSON first, so dots in names stay apart)."""
    path = json.dumps(list(segments), separators=(",", ":"), ensure_ascii=False)
    return "c:" + _digest(path)


def claim_value(text: str) -> str:
    """The tag value for a string claim."""
    return _digest(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_CHARS]


def claim_tags(document: Mapping[str, Any] | None) -> dict[str, str]:
    """Every string value reachable through objects alone, by its path; `partial` if not all."""
    tags: dict[str, str] = {"format": "w3c"}
    if not isinstance(document, Mapping):
        tags[PARTIAL] = "1"
        return tags
    stack: list[tuple[tuple[str, ...], Any]] = [((), document)]
    found = 0
    while stack:
        path, node = stack.pop()
        for key, value in node.items():
            if not isinstance(key, str):
                continue
            here = (*path, key)
            if isinstance(value, str):
                found += 1
                if found > MAX_CLAIMS:
                    tags[PARTIAL] = "1"
                    return tags
                tags[claim_key(here)] = claim_value(value)
            elif isinstance(value, Mapping) and len(here) < MAX_DEPTH:
                stack.append((here, value))
    return tags


def field_condition(paths: list[tuple[str, ...]], values: list[str]) -> dict[str, Any]:
    """Any of the paths holds any of the values (one required field of a descriptor)."""
    alternatives = [
        {claim_key(path): claim_value(value)} for path in paths for value in sorted(set(values))
    ]
    return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}


def descriptor_query(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Every field condition holds, or the entry is partial (then the engine decides)."""
    required = fields[0] if len(fields) == 1 else {"$and": fields}
    return {"$or": [{PARTIAL: "1"}, required]}


async def write_claims(txn: Session, credential_id: str, tags: dict[str, str] | None) -> None:
    """Insert or replace one credential's claims; without a document, known claims stay."""
    existing = await txn.fetch(CLAIMS_CATEGORY, credential_id, for_update=True)
    if tags is None:
        if existing is not None:
            return
        tags = claim_tags(None)
    if existing is not None:
        await txn.replace(CLAIMS_CATEGORY, credential_id, b"", tags)
    else:
        await txn.insert(CLAIMS_CATEGORY, credential_id, b"", tags)


async def remove_claims(txn: Session, credential_id: str) -> None:
    if await txn.fetch(CLAIMS_CATEGORY, credential_id, for_update=True) is not None:
        await txn.remove(CLAIMS_CATEGORY, credential_id)
