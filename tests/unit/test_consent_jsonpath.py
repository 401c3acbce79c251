"""The strict JSONPath subset used for DIF field paths."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols.consent.jsonpath import JsonPathError, dotted, parse_path

VC = {
    "credentialSubject": {"score": 82, "name": "Alice", "results": [{"v": 1}, {"v": 2}]},
    "issuer": {"id": "did:web:uni.example"},
}


@pytest.mark.parametrize(
    ("path", "segments"),
    [
        ("$.credentialSubject.score", ("credentialSubject", "score")),
        ("$['credentialSubject']['score']", ("credentialSubject", "score")),
        ('$["credentialSubject"]["given name"]', ("credentialSubject", "given name")),
        ("$.vc.credentialSubject.score", ("vc", "credentialSubject", "score")),
        ("$.credentialSubject.results[0].v", ("credentialSubject", "results", 0, "v")),
        ("$.credentialSubject.results[*].v", ("credentialSubject", "results", "*", "v")),
        ("$.@context", ("@context",)),
    ],
)
def test_accepts_the_simple_forms(path: str, segments: tuple[object, ...]) -> None:
    assert parse_path(path).segments == segments


@pytest.mark.parametrize(
    "path",
    [
        "",
        "$",
        "credentialSubject.score",
        "$..score",
        "$.credentialSubject[?(@.score > 70)]",
        "$.credentialSubject.*",
        "$.credentialSubject.results[0:2]",
        "$.credentialSubject.results[0,1]",
        "$.credentialSubject.name.`sub(/A/, B)`",
        "$.credentialSubject[(@.length-1)]",
        "$.a b",
        "$." + ".".join(["a"] * 13),
        "$.credentialSubject." + "x" * 300,
        "$['unterminated]",
    ],
)
def test_rejects_everything_else_clearly(path: str) -> None:
    with pytest.raises(JsonPathError, match="does not accept"):
        parse_path(path)


def test_find_returns_locations_and_values() -> None:
    assert parse_path("$.credentialSubject.score").find(VC) == [
        (("credentialSubject", "score"), 82)
    ]
    found = parse_path("$.credentialSubject.results[*].v").find(VC)
    assert [dotted(loc) for loc, _ in found] == [
        "credentialSubject.results[0].v",
        "credentialSubject.results[1].v",
    ]
    assert parse_path("$.credentialSubject.results[5]").find(VC) == []
    assert parse_path("$.vc.credentialSubject.score").find(VC) == []
    assert parse_path("$.issuer.id.deeper").find(VC) == []


def test_leaf_name_is_the_last_member() -> None:
    assert parse_path("$.credentialSubject.results[*].v").leaf_name == "v"
    assert parse_path("$['credentialSubject']['birthDate']").leaf_name == "birthDate"


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parsed = parse_path(text)
    except JsonPathError:
        return
    assert parsed.segments
    parsed.find(VC)


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)


@given(st.lists(names, min_size=1, max_size=6), st.booleans())
def test_dotted_and_bracket_forms_agree(parts: list[str], brackets: bool) -> None:
    text = "$" + "".join(f"['{p}']" if brackets else f".{p}" for p in parts)
    assert parse_path(text).segments == tuple(parts)
