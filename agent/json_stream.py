"""The items of a large JSON list answer, decoded one by one as the bytes arrive.

`POST /credentials/w3c` answers `{"results": [...]}` with every W3C credential at once
(tens of MB with 10,000 credentials); reading it whole holds the text, the parsed list and
the models together. Here only the undecoded tail and one item are held at a time.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncIterator
from typing import Any

WHITESPACE = " \t\r\n"


class JsonStreamError(ValueError):
    """The answer is not the `{"<key>": [ ... ]}` it should be."""


async def list_items(chunks: AsyncIterator[bytes], key: str) -> AsyncIterator[Any]:
    """Each element of the list under `key` of the top-level object, in order.

    The list must be the object's first member (ACA-Py writes `results` first and alone).
    """
    decoder = json.JSONDecoder()
    text = codecs.getincrementaldecoder("utf-8")()
    buffer = ""
    position = -1  # where the next element (or `]`) starts; -1 until the list opens
    finished = False
    async for chunk in _with_end(chunks):
        finished = chunk is None
        buffer += text.decode(chunk or b"", final=finished)
        if position < 0:
            position = _list_start(buffer, key, finished)
            if position < 0:
                continue
        while True:
            position = _skip(buffer, position, ",")
            if position >= len(buffer):
                break
            if buffer[position] == "]":
                return
            try:
                item, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as error:
                if finished:
                    raise JsonStreamError(f"the list under {key!r} is cut short") from error
                break  # the item is not complete yet
            yield item
            position = end
        buffer, position = buffer[position:], 0
    if finished:
        raise JsonStreamError(f"the list under {key!r} never closes")


def _list_start(buffer: str, key: str, finished: bool) -> int:
    """The index after `{"key": [`, or -1 while more text is needed."""
    prefix = "{" + json.dumps(key) + ":"
    compact = "".join(buffer[:256].split())  # the opening has no strings with spaces
    if len(compact) < len(prefix) + 1:
        if finished:
            raise JsonStreamError(f"no list under {key!r}")
        return -1
    if not compact.startswith(prefix + "["):
        raise JsonStreamError(f"the answer does not start with a list under {key!r}")
    return buffer.index("[") + 1


def _skip(buffer: str, position: int, extra: str) -> int:
    while position < len(buffer) and (buffer[position] in WHITESPACE or buffer[position] in extra):
        position += 1
    return position


async def _with_end(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes | None]:
    """The chunks, then None once they end."""
    async for chunk in chunks:
        yield chunk
    yield None
