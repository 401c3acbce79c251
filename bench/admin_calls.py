"""How many admin API calls each holder's ACA-Py served, read from its access log.

The controller's extra round trips are where its overhead comes from (each one costs the
holder's ACA-Py CPU while it also runs the protocol), so the run counts them by route.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ACCESS = re.compile(r'aiohttp\.access .*"(GET|POST|PUT|PATCH|DELETE) ([^ ?"]+)[^"]*" (\d{3})')
IDS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "{id}"),
    (re.compile(r"/w3c/[0-9a-f]{32}"), "/w3c/{id}"),
    (re.compile(r"did:[^/ ]+"), "{did}"),
)


def route_of(path: str) -> str:
    for pattern, placeholder in IDS:
        path = pattern.sub(placeholder, path)
    return path


def count_calls(log_text: str) -> Counter[str]:
    """`METHOD route` -> calls; DIDComm messages (`POST /` on the inbound port) excluded."""
    calls: Counter[str] = Counter()
    for match in ACCESS.finditer(log_text):
        method, path, _status = match.groups()
        if method == "POST" and path == "/":
            continue
        calls[f"{method} {route_of(path)}"] += 1
    return calls


def count_in(log_file: Path) -> dict[str, int]:
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    return dict(count_calls(text).most_common())
