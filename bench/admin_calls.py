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


class CallMeter:
    """Admin calls one ACA-Py served since the last look, read from where its log last ended.

    Each flow is charged with the calls made from its start to the next flow's start on the
    same holder, so work a holder defers past the clock is still counted against it.
    """

    def __init__(self, log_file: Path) -> None:
        self._file = log_file
        self._offset = log_file.stat().st_size if log_file.exists() else 0

    def take(self) -> Counter[str]:
        if not self._file.exists():
            return Counter()
        with self._file.open("rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits
        self._offset += len(complete)
        return count_calls(complete.decode(errors="replace"))


class FlowCalls:
    """Calls per flow and holder, summed over the timed iterations."""

    def __init__(self, meters: dict[str, CallMeter]) -> None:
        self._meters = meters
        self._owner: dict[str, str | None] = dict.fromkeys(meters)
        self.calls: dict[str, dict[str, Counter[str]]] = {}
        self.runs: Counter[tuple[str, str]] = Counter()

    def start(self, side: str, flow: str | None) -> None:
        """`flow` begins on `side` (None: untimed work, not counted)."""
        self._charge(side)
        self._owner[side] = flow
        if flow is not None:
            self.runs[(flow, side)] += 1

    def finish(self) -> dict[str, dict[str, dict[str, float]]]:
        """flow -> side -> route -> calls per run."""
        for side in self._meters:
            self._charge(side)
            self._owner[side] = None
        return {
            flow: {
                side: {
                    route: round(count / max(self.runs[(flow, side)], 1), 2)
                    for route, count in counter.most_common()
                }
                for side, counter in sides.items()
            }
            for flow, sides in self.calls.items()
        }

    def _charge(self, side: str) -> None:
        taken = self._meters[side].take()
        owner = self._owner[side]
        if owner is not None:
            self.calls.setdefault(owner, {}).setdefault(side, Counter()).update(taken)
