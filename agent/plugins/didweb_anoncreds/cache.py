"""A small TTL cache: verifiers resolve the same schema and cred def for every proof."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class TtlCache[V]:
    """Entries expire after `ttl` seconds; the oldest go first beyond `max_entries`."""

    def __init__(
        self,
        ttl: float,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        """The live value for key, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self._clock() >= expires:
            del self._entries[key]
            return None
        return value

    def put(self, key: str, value: V) -> None:
        """Keep value for the TTL; a TTL of 0 disables caching."""
        if self._ttl <= 0:
            return
        self._entries[key] = (self._clock() + self._ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def drop(self, key: str) -> None:
        """Forget key, e.g. after publishing a newer version."""
        self._entries.pop(key, None)
