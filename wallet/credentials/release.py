"""Hand memory freed after a large transient load back to the operating system.

Reconciling 10,000 credentials (or listing every W3C credential for a proof request) decodes
megabytes of JSON that are dropped right after; CPython keeps the freed blocks in its own
arenas and glibc keeps freed heap pages, so the controller's resident size would stay at
its peak. A collection plus glibc's `malloc_trim` returns what is free. Elsewhere (no
glibc) only the collection runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

LOGGER = logging.getLogger(__name__)
_libc: ctypes.CDLL | None = None
_looked = False


def release_memory() -> None:
    """Collect garbage, then ask glibc to return free heap pages (cheap: a few ms)."""
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    global _libc, _looked
    if not _looked:
        _looked = True
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
            _libc = libc if libc is not None and hasattr(libc, "malloc_trim") else None
        except OSError as error:
            LOGGER.debug("no libc to trim: %s", error)
    return _libc
