"""Reading a JSON request body one careful way: any bytes a client sends end in the body's
value or in a 400, never in an unexpected error.

`json.loads` raises RecursionError (not ValueError) on deep nesting, and text with lone
surrogates parses but cannot be written back out; both are refused here, as is nesting
deeper than any body of the local API needs.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ui.web.errors import ApiError

MAX_DEPTH = 32


async def json_body(
    request: web.Request, code: str = "invalid_json", *, whole_text: bool = True
) -> Any:
    """The parsed body, None when there is none; ApiError(400, code) when it is no JSON.

    `whole_text=False` lets string values with lone surrogates through, for a caller that
    refuses them field by field (keys are always checked).
    """
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, code, detail="the body is not JSON") from None
    problem = _problem(value, whole_text)
    if problem:
        raise ApiError(400, code, detail=problem)
    return value


def _problem(value: Any, whole_text: bool) -> str | None:
    """Too deep, or text that cannot be written back out (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"the body is nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, str) and whole_text and _broken(item):
            return "the body has a broken character (a lone surrogate)"
        elif isinstance(item, dict):
            if not whole_text and any(_broken(key) for key in item):
                return "a name in the body has a broken character (a lone surrogate)"
            stack.extend((key, depth + 1) for key in item if whole_text)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def _broken(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
