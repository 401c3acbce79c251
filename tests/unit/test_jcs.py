"""RFC 8785 canonicalization: the examples of the RFC and properties that must always hold."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.plugins.didweb_anoncreds.jcs import (
    CanonicalizationError,
    canonical_text,
    canonicalize,
    format_number,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e30, "1e+30"),
        (4.5, "4.5"),
        (0.002, "0.002"),
        (1e-7, "1e-7"),
        (-0.0, "0"),
        (0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (333333333.3333333, "333333333.3333333"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992.0, "9007199254740992"),
        (-1e-7, "-1e-7"),
        (0.000001, "0.000001"),
        (295147905179352830000.0, "295147905179352830000"),
        (1.0, "1"),
        (-5.0, "-5"),
    ],
)
def test_numbers_follow_ecmascript(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_rfc8785_sample_numbers_array() -> None:
    # RFC 8785 section 3.2.2.3 with its IEEE 754 inputs.
    numbers = [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001]
    assert canonical_text({"numbers": numbers}) == (
        '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}'
    )


def test_rfc8785_string_escapes() -> None:
    text = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert canonical_text({"string": text}) == '{"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'


def test_rfc8785_key_order_is_utf16_code_units() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_text(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_literals_and_nesting() -> None:
    value = {"b": [True, False, None, 1, "x"], "a": {"d": [], "c": {}}}
    assert canonicalize(value) == b'{"a":{"c":{},"d":[]},"b":[true,false,null,1,"x"]}'


def test_large_integers_round_like_doubles() -> None:
    assert canonical_text(2**60) == "1152921504606847000"
    assert canonical_text(2**53) == "9007199254740992"


def test_non_ascii_is_utf8_not_escaped() -> None:
    assert canonicalize({"ö": "€"}) == '{"ö":"€"}'.encode()


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, {1: "x"}, b"bytes", {"a": object()}, "\ud800"]
)
def test_values_without_a_canonical_form_are_refused(bad: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(bad)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"]))
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"])), inner, max_size=5)
    ),
    max_leaves=25,
)


@given(json_values)
def test_output_parses_back_to_the_same_value(value: Any) -> None:
    # JSON numbers are doubles in JCS: 5.6e16 prints as an integer, so parse ints as floats.
    assert json.loads(canonicalize(value), parse_int=float) == value


@given(st.dictionaries(st.text(st.characters(exclude_categories=["Cs"])), json_values))
def test_key_insertion_order_does_not_matter(value: dict[str, Any]) -> None:
    reordered = dict(reversed(list(value.items())))
    assert canonicalize(reordered) == canonicalize(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_exactly(value: float) -> None:
    assert float(format_number(value)) == value


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_strings_match_json_dumps_without_ascii_escaping(text: str) -> None:
    assert canonical_text(text) == json.dumps(text, ensure_ascii=False)


@given(json_values)
def test_canonical_form_is_a_fixed_point(value: Any) -> None:
    once = canonicalize(value)
    assert canonicalize(json.loads(once)) == once
