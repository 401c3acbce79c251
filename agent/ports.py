"""Loopback ports: pick a free one, or say clearly that a chosen one is taken."""

from __future__ import annotations

import errno
import socket

LOOPBACK = "127.0.0.1"


class PortInUseError(Exception):
    """A port the learner chose is taken by another program."""

    def __init__(self, port: int, setting: str) -> None:
        super().__init__(
            f"port {port} on {LOOPBACK} is already in use by another program; "
            f"stop that program or choose another port with {setting} (0 picks a free one)"
        )
        self.port = port


def free_port() -> int:
    """A port that was free a moment ago; callers retry if another program takes it first."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def port_or_free(port: int, setting: str) -> int:
    """The configured port if it is free, a free one for 0, else PortInUseError."""
    if port == 0:
        return free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do: a port whose last connections are still closing (TIME_WAIT) is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(port, setting) from None
            raise
    return port
