"""Reconnect delays: exponential, capped, with jitter so many wallets do not retry in step.

A public mediator that restarts sees every client come back; spreading the retries and
capping the wait is what its operator expects of a well-behaved client.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


def schedule(base: float, cap: float, attempts: int, factor: float = 2.0) -> list[float]:
    """The delays without jitter: base, base*factor, ... never above cap."""
    return [min(cap, base * factor**n) for n in range(attempts)]


@dataclass
class Backoff:
    """The next delay to wait before reconnecting; `reset()` after a connection that lasted."""

    base: float = 1.0
    cap: float = 60.0
    factor: float = 2.0
    jitter: float = 0.2
    rand: Callable[[], float] = field(default=random.random, repr=False)
    attempts: int = 0

    def next_delay(self) -> float:
        raw = min(self.cap, self.base * self.factor**self.attempts)
        self.attempts += 1
        spread = 1.0 - self.jitter + 2.0 * self.jitter * self.rand()
        return min(self.cap, raw * spread)

    def reset(self) -> None:
        self.attempts = 0
