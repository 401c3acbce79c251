"""Send to a peer's WebSocket endpoint first when its DID document lists one.

A mediator usually lists an http and a ws endpoint (Credo lists both), and ACA-Py sends to
the first target whose scheme has a transport. Behind NAT only a socket we opened can
carry answers back, and the mediator's keylist updates must travel on the pickup socket,
so `ws`/`wss` targets go first; the order among the rest is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

SOCKET_SCHEMES = ("ws", "wss")


class HasEndpoint(Protocol):
    endpoint: str | None


def is_socket_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and urlsplit(str(endpoint)).scheme.lower() in SOCKET_SCHEMES


def socket_targets_first[T: HasEndpoint](targets: Sequence[T]) -> list[T]:
    """The same targets, ws/wss ones first (a stable sort: otherwise unchanged)."""
    return sorted(targets, key=lambda target: not is_socket_endpoint(target.endpoint))
