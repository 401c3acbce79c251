"""RFC 8785 JSON Canonicalization Scheme (JCS).

did:web AnonCreds identifiers are hashes of the canonical form, so every byte must match
what JavaScript implementations (Credo's `canonicalize`) produce: ECMAScript number
formatting, UTF-16 key order and the exact string escapes of `JSON.stringify`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_MAX_EXACT_INT = 2**53


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 form (NaN, infinity, lone surrogate, non-JSON type)."""


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON-compatible value."""
    parts: list[str] = []
    _write(value, parts)
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise CanonicalizationError("string contains a lone UTF-16 surrogate") from error


def canonical_text(value: Any) -> str:
    """The canonical form as text, for logs and tests."""
    return canonicalize(value).decode("utf-8")


def _write(value: Any, parts: list[str]) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(_format_int(value))
    elif isinstance(value, float):
        parts.append(format_number(value))
    elif isinstance(value, str):
        parts.append(_quote(value))
    elif isinstance(value, Mapping):
        _write_object(value, parts)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise CanonicalizationError(f"type {type(value).__name__} is not JSON")


def _write_object(value: Mapping[Any, Any], parts: list[str]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise CanonicalizationError(f"object key {key!r} is not a string")
    parts.append("{")
    for index, key in enumerate(sorted(value, key=_utf16_order)):
        if index:
            parts.append(",")
        parts.append(_quote(key))
        parts.append(":")
        _write(value[key], parts)
    parts.append("}")


def _utf16_order(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare like the UTF-16 code units RFC 8785 sorts by.
    return key.encode("utf-16-be", errors="surrogatepass")


def _quote(text: str) -> str:
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _format_int(value: int) -> str:
    if abs(value) <= _MAX_EXACT_INT:
        return str(value)
    # JSON numbers are IEEE 754 doubles in JCS: larger integers round like in JavaScript.
    try:
        return format_number(float(value))
    except OverflowError as error:
        raise CanonicalizationError("integer is too large for a JSON number") from error


def format_number(value: float) -> str:
    """ECMAScript Number::toString of a double, as RFC 8785 section 3.2.2.3 requires."""
    if math.isnan(value) or math.isinf(value):
        raise CanonicalizationError(f"{value} has no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _layout(digits, point)


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip digits and the decimal point position: value = 0.digits × 10^point."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def _layout(digits: str, point: int) -> str:
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    exponent = point - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits[0] if count == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(exponent)}"
