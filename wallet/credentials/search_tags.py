"""Askar tags for the credential index, and the tag queries that search it.

Text search works on encrypted word-prefix tags (`w:<prefix>` = "1"): Askar encrypts tag
names and values deterministically, so equality queries run inside the store without
loading credentials into Python, and nothing readable about the credential is on disk.
Tags starting with `~` would be stored in clear text and are never used here.
"""

from __future__ import annotations

import re
from typing import Any

from wallet.credentials.models import CredentialSearch, StoredCredential

MIN_PREFIX = 2
MAX_PREFIX = 16
MAX_QUERY_WORDS = 8
# A cap so one huge credential cannot bloat the index; real credentials stay far below.
MAX_PREFIX_TAGS = 5000
WORD = re.compile(r"[^\W_]+", re.UNICODE)


class SearchError(ValueError):
    """A search the index cannot run; the message says what to change."""


def words(text: str) -> list[str]:
    """Lower-cased words: runs of letters and digits in any script."""
    return [word.casefold() for word in WORD.findall(text)]


def word_prefixes(texts: list[str]) -> set[str]:
    """Every prefix of 2 to 16 characters of every word in `texts`."""
    prefixes: set[str] = set()
    for text in texts:
        for word in words(text):
            top = min(len(word), MAX_PREFIX)
            prefixes.update(word[:end] for end in range(MIN_PREFIX, top + 1))
            if len(prefixes) >= MAX_PREFIX_TAGS:
                return prefixes
    return prefixes


def filter_tags(credential: StoredCredential) -> dict[str, str]:
    """What lists filter by; both index entries of a credential carry these."""
    tags: dict[str, str] = {"format": credential.format}
    if credential.issuer_did:
        tags["issuer"] = credential.issuer_did
    return tags


def index_tags(credential: StoredCredential) -> dict[str, str]:
    """The summary entry's few tags: filters, status, types and the revocation key.

    Few on purpose: Askar reads every tag of every row a scan skips over with `offset`.
    """
    tags = filter_tags(credential) | {"status": credential.status}
    for kind in credential.types:
        tags[f"t:{kind}"] = "1"
    if credential.rev_reg_id and credential.cred_rev_id:
        tags["revocation"] = revocation_key(credential.rev_reg_id, credential.cred_rev_id)
    elif credential.status_lists:  # no notice names it; the periodic check asks its list
        tags["revocation"] = STATUS_LIST_KEY
    return tags


def word_tags(credential: StoredCredential) -> dict[str, str]:
    """The word entry's tags: filters plus a `w:` tag per word prefix of the visible text."""
    texts = [credential.title, credential.issuer_label or "", *credential.attributes.values()]
    tags = filter_tags(credential)
    tags.update({f"w:{prefix}": "1" for prefix in sorted(word_prefixes(texts))})
    return tags


STATUS_LIST_KEY = "w3c-status-list"


def revocation_key(rev_reg_id: str, cred_rev_id: str | None) -> str:
    """How a revocation notice names a credential: registry and index within it."""
    return f"{rev_reg_id}::{cred_rev_id}"


def search_filter(search: CredentialSearch) -> dict[str, Any]:
    """The Askar tag filter for a search: all conditions and all query words must match."""
    conditions: list[dict[str, Any]] = []
    if search.format:
        conditions.append({"format": search.format})
    if search.issuer:
        conditions.append({"issuer": search.issuer})
    conditions += [{f"w:{word}": "1"} for word in query_words(search.q)]
    if not conditions:
        return {}
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def query_words(q: str | None) -> list[str]:
    """The query's words as prefixes; longer words are cut to the longest indexed prefix."""
    if q is None or not q.strip():
        return []
    found = words(q)
    usable = sorted({word[:MAX_PREFIX] for word in found if len(word) >= MIN_PREFIX})
    if not usable:
        raise SearchError(f"search words need at least {MIN_PREFIX} letters or digits")
    if len(usable) > MAX_QUERY_WORDS:
        raise SearchError(f"search with at most {MAX_QUERY_WORDS} words")
    return usable
