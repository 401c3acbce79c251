"""Does a stored W3C credential satisfy a DIF input descriptor, and with which values?

ACA-Py's candidate route filters DIF credentials only by proof type and schema URI,
then merges the results of every descriptor into one list, so the engine matches each
descriptor's fields and filters itself (ACA-Py repeats the check when it signs).
"""

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .credentials import W3CCandidate, parse_date
from .jsonpath import Segment, dotted, parse_path
from .request import DifField, DifFilter, InputDescriptor

BASE_VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
MAX_MATCHED_TEXT = 1000


@dataclass(frozen=True)
class FieldMatch:
    """Where a field was found in the credential and the value there."""

    location: tuple[Segment, ...]
    value: Any

    @property
    def name(self) -> str:
        """The dotted location, e.g. ``credentialSubject.score``."""
        return dotted(self.location)


def match_fields(descriptor: InputDescriptor, candidate: W3CCandidate) -> list[FieldMatch] | None:
    """One match per satisfiable field, or None when a required field is not satisfied."""
    matches: list[FieldMatch] = []
    for field in descriptor.constraints.fields:
        found = _first_match(field, candidate.credential)
        if found is None and not field.optional:
            return None
        if found is not None:
            matches.append(found)
    return matches


def matches_schema(descriptor: InputDescriptor, candidate: W3CCandidate) -> bool:
    """Approximate ACA-Py's schema filter: any non-base URI, by expanded or short type."""
    uris = descriptor.schema_uris
    specific = [u for u in uris if u != BASE_VC_TYPE]
    if not specific:
        return True
    return any(_has_type(candidate, uri) for uri in specific)


def credential_leaves(credential: dict[str, Any]) -> list[tuple[str, str]]:
    """Every field of a credential as (dotted name, text), proof and context left out."""
    leaves: list[tuple[str, str]] = []
    _collect({k: v for k, v in credential.items() if k not in ("proof", "@context")}, None, leaves)
    return leaves


def as_text(value: Any) -> str:
    """A value the way the prompt shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return ", ".join(text for _, text in _leaves_of(value)) or "(empty)"
    return str(value)


def passes(value: Any, spec: DifFilter) -> bool:
    """A JSON-Schema-like filter, all stated checks applied (stricter than ACA-Py)."""
    result = _type_ok(value, spec) and _bounds_ok(value, spec) and _text_ok(value, spec)
    if spec.const is not None:
        result = result and value == spec.const
    if spec.enum is not None:
        result = result and value in spec.enum
    if spec.not_ is not None:
        result = result and not passes(value, spec.not_)
    return result


def _first_match(field: DifField, credential: dict[str, Any]) -> FieldMatch | None:
    for path in field.path:
        for location, value in parse_path(path).find(credential):
            if field.filter is None or passes(value, field.filter):
                return FieldMatch(location=location, value=value)
    return None


def _type_ok(value: Any, spec: DifFilter) -> bool:
    if spec.type == "string":
        return isinstance(value, str)
    if spec.type in ("number", "integer"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if spec.type == "boolean":
        return isinstance(value, bool)
    return True


def _bounds_ok(value: Any, spec: DifFilter) -> bool:
    checks: tuple[tuple[float | str | None, Callable[[Any, Any], bool]], ...] = (
        (spec.minimum, operator.ge),
        (spec.maximum, operator.le),
        (spec.exclusive_minimum, operator.gt),
        (spec.exclusive_maximum, operator.lt),
    )
    for bound, holds in checks:
        if bound is None:
            continue
        pair = _comparable(value, bound, spec.format)
        if pair is None or not holds(*pair):
            return False
    return True


def _comparable(value: Any, bound: Any, fmt: str | None) -> tuple[Any, Any] | None:
    if fmt in ("date", "date-time"):
        left, right = parse_date(value), parse_date(str(bound))
        return (left, right) if left and right else None
    try:
        return float(value), float(bound)
    except (TypeError, ValueError):
        return None


def _text_ok(value: Any, spec: DifFilter) -> bool:
    if spec.min_length is None and spec.max_length is None and spec.pattern is None:
        return True
    text = str(value)
    if len(text) > MAX_MATCHED_TEXT:
        return False
    if spec.min_length is not None and len(text) < spec.min_length:
        return False
    if spec.max_length is not None and len(text) > spec.max_length:
        return False
    return spec.pattern is None or re.search(spec.pattern, text) is not None


def _has_type(candidate: W3CCandidate, uri: str) -> bool:
    if uri in candidate.expanded_types:
        return True
    schemas = candidate.credential.get("credentialSchema") or []
    schemas = [schemas] if isinstance(schemas, dict) else schemas
    if any(isinstance(s, dict) and s.get("id") == uri for s in schemas):
        return True
    # Without ACA-Py's expansion (its candidates route omits it), a type written as the full
    # IRI or as the IRI's last word stands for it.
    short = re.split(r"[#/]", uri)[-1]
    return not candidate.expanded_types and (uri in candidate.types or short in candidate.types)


def _collect(node: Any, path: str | None, out: list[tuple[str, str]]) -> None:
    """Leaves with their dotted names (as `jsonpath.dotted` spells them), built as it walks:
    a consent prompt walks every field of every candidate, so this is on its hot path."""
    if isinstance(node, dict):
        for key, child in node.items():
            _collect(child, str(key) if path is None else f"{path}.{key}", out)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _collect(child, f"{path or ''}[{index}]", out)
    else:
        out.append((path or "", as_text(node)))


def _leaves_of(value: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    _collect(value, None, out)
    return out
