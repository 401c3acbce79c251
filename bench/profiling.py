"""Where the wallet's controller spends its time: a cProfile summary of our own code.

`python -m bench --profile` runs the controller under cProfile (its timings are then not
valid as results) and writes the functions of our packages ranked by own and total time.
"""

from __future__ import annotations

import io
import pstats
from pathlib import Path

ROWS = 35


def summarize(profile_file: Path, out: Path) -> str:
    """Top functions by own time (all code) and by cumulative time (our packages only)."""
    buffer = io.StringIO()
    stats = pstats.Stats(str(profile_file), stream=buffer)
    buffer.write("== by own time, everything ==\n")
    stats.sort_stats("tottime").print_stats(ROWS)
    buffer.write("\n== by cumulative time, our packages ==\n")
    stats.sort_stats("cumulative").print_stats(r"/(agent|protocols|wallet|ui|config)/", ROWS)
    text = buffer.getvalue()
    out.write_text(text)
    return text
