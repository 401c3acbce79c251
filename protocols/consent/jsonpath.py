"""A strict JSONPath subset for DIF field paths.

Verifiers choose the paths, so a full JSONPath engine (filters, scripts, recursive
descent) would let a stranger run logic over the learner's credentials. Only plain
member access, array indexes and ``[*]`` are accepted; anything else is rejected with a
message that names the path.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_PATH_LENGTH = 200
MAX_SEGMENTS = 12

WILDCARD = "*"

_DOT_NAME = re.compile(r"\.([A-Za-z_@][A-Za-z0-9_@$-]*)")
_QUOTED = re.compile(r"""\[(?:'([^'\\]+)'|"([^"\\]+)")\]""")
_INDEX = re.compile(r"\[(\d{1,6})\]")
_STAR = re.compile(r"\[\*\]")


class JsonPathError(ValueError):
    """A field path outside the accepted subset; the message names the path."""


type Segment = str | int


@dataclass(frozen=True)
class JsonPath:
    """A parsed path: member names (str), indexes (int) or the ``*`` wildcard."""

    text: str
    segments: tuple[Segment, ...]

    def find(self, document: Any) -> list[tuple[tuple[Segment, ...], Any]]:
        """Every (concrete location, value) the path reaches in the document."""
        return list(_walk(document, self.segments, ()))

    @property
    def leaf_name(self) -> str:
        """The last member name, which is what a learner recognises ("birthDate")."""
        names = [s for s in self.segments if isinstance(s, str) and s != WILDCARD]
        return names[-1] if names else self.text


@lru_cache(maxsize=256)
def parse_path(text: str) -> JsonPath:
    """Parse ``$.a.b``, ``$['a']['b']``, ``$.a[0]`` or ``$.a[*]``; reject the rest.

    Cached (a `JsonPath` is immutable): a prompt asks for the same few paths once per
    candidate. Refusals raise and are never cached.
    """
    if not text.startswith("$") or len(text) > MAX_PATH_LENGTH:
        raise JsonPathError(_unsupported(text))
    segments: list[Segment] = []
    position = 1
    while position < len(text):
        segment, position = _next_segment(text, position)
        segments.append(segment)
    if not segments or len(segments) > MAX_SEGMENTS:
        raise JsonPathError(_unsupported(text))
    return JsonPath(text=text, segments=tuple(segments))


def dotted(location: tuple[Segment, ...]) -> str:
    """A location as the learner reads it: ``credentialSubject.degree.name``."""
    parts: list[str] = []
    for segment in location:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        else:
            parts.append(("." if parts else "") + segment)
    return "".join(parts)


def _next_segment(text: str, position: int) -> tuple[Segment, int]:
    if text.startswith("..", position):
        raise JsonPathError(_unsupported(text))
    for pattern in (_DOT_NAME, _QUOTED):
        match = pattern.match(text, position)
        if match:
            name = next(group for group in match.groups() if group)
            return name, match.end()
    match = _INDEX.match(text, position)
    if match:
        return int(match.group(1)), match.end()
    match = _STAR.match(text, position)
    if match:
        return WILDCARD, match.end()
    raise JsonPathError(_unsupported(text))


def _walk(
    node: Any, segments: tuple[Segment, ...], location: tuple[Segment, ...]
) -> Iterator[tuple[tuple[Segment, ...], Any]]:
    if not segments:
        yield location, node
        return
    head, rest = segments[0], segments[1:]
    if head == WILDCARD:
        children = _children(node)
    elif isinstance(head, int):
        children = [(head, node[head])] if isinstance(node, list) and head < len(node) else []
    elif isinstance(node, dict) and head in node:
        children = [(head, node[head])]
    else:
        children = []
    for key, child in children:
        yield from _walk(child, rest, (*location, key))


def _children(node: Any) -> list[tuple[Segment, Any]]:
    if isinstance(node, list):
        return list(enumerate(node))
    if isinstance(node, dict):
        return list(node.items())
    return []


def _unsupported(text: str) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return (
        f"The verifier asked for a field with the path {shown!r}, which this wallet does "
        "not accept: only simple paths such as $.credentialSubject.name, "
        "$['credentialSubject']['name'], [0] and [*] are allowed."
    )
