"""Word-prefix tags and the tag queries built from a search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wallet.credentials.models import CredentialSearch, StoredCredential
from wallet.credentials.search_tags import (
    MAX_PREFIX,
    SearchError,
    index_tags,
    query_words,
    search_filter,
    word_prefixes,
    word_tags,
)


def test_prefixes_of_each_lower_cased_word() -> None:
    assert word_prefixes(["Data-Science 101"]) == {
        "da", "dat", "data", "sc", "sci", "scie", "scien", "scienc", "science", "10", "101",
    }  # fmt: skip
    assert word_prefixes(["a I"]) == set()
    assert word_prefixes(["Ärzteschaft"]) >= {"är", "ärzte"}
    long = word_prefixes(["internationalization"])
    assert max(len(p) for p in long) == MAX_PREFIX and len(long) == MAX_PREFIX - 1


def test_index_tags_are_never_plain_text_tags() -> None:
    credential = StoredCredential(
        id="anoncreds:1",
        format="anoncreds",
        title="Course result",
        issuer_did="did:web:x",
        issuer_label="Open Learning",
        types=["MicroCredential"],
        status="valid",
        attributes={"name": "Alice"},
        rev_reg_id="did:web:x?r",
        cred_rev_id="2",
    )
    tags = index_tags(credential)
    words = word_tags(credential)
    assert not any(name.startswith("~") for name in [*tags, *words])
    assert tags["format"] == "anoncreds" and tags["issuer"] == "did:web:x"
    assert tags["t:MicroCredential"] == "1" and tags["revocation"] == "did:web:x?r::2"
    assert not any(name.startswith("w:") for name in tags)
    assert {"w:co", "w:result", "w:op", "w:learning", "w:al", "w:alice"} <= set(words)
    assert words["format"] == "anoncreds" and words["issuer"] == "did:web:x"


def test_search_filter_is_an_and_of_conditions_and_words() -> None:
    assert search_filter(CredentialSearch()) == {}
    assert search_filter(CredentialSearch(format="w3c")) == {"format": "w3c"}
    search = CredentialSearch(q="Data  sci!", format="anoncreds", issuer="did:web:x")
    assert search_filter(search) == {
        "$and": [{"format": "anoncreds"}, {"issuer": "did:web:x"},
                 {"w:data": "1"}, {"w:sci": "1"}]
    }  # fmt: skip


def test_query_words_refuses_what_cannot_match() -> None:
    assert query_words("  ") == []
    assert query_words("a data") == ["data"]
    assert query_words("internationalization") == ["internationaliza"]
    with pytest.raises(SearchError):
        query_words("a b")
    with pytest.raises(SearchError):
        query_words(" ".join(f"w{n}" for n in range(9)))


@given(st.text(min_size=1, max_size=40))
def test_every_indexed_word_is_found_by_any_of_its_prefixes(text: str) -> None:
    prefixes = word_prefixes([text])
    for word in query_words_or_empty(text):
        assert word in prefixes


def query_words_or_empty(text: str) -> list[str]:
    try:
        return query_words(text)
    except SearchError:
        return []
