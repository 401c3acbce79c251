"""Order statistics, wallet/bare ratios and target checks, kept pure so they can be tested."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

RESAMPLES = 2000


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), NaN for no samples."""
    if not samples:
        return math.nan
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, not {fraction}")
    ordered = sorted(samples)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """What a table row shows of one series of timings (milliseconds) or sizes."""

    count: int
    p50: float
    p95: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Summary:
        if not samples:
            return cls(0, math.nan, math.nan, math.nan, math.nan)
        return cls(
            len(samples),
            percentile(samples, 0.5),
            percentile(samples, 0.95),
            min(samples),
            max(samples),
        )


def ratio(wallet: float, bare: float) -> float:
    """wallet / bare; NaN when either side is missing or bare is not positive."""
    if math.isnan(wallet) or math.isnan(bare) or bare <= 0:
        return math.nan
    return wallet / bare


def ratio_interval(
    wallet: Sequence[float], bare: Sequence[float], *, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """A bootstrap interval for the ratio of medians (wallet/bare); NaNs without samples.

    Single runs of a 15 ms flow swing by a tenth either way, so a ratio is printed with how
    far it could move: each side is resampled on its own (the runs are interleaved, not
    paired), with a fixed seed so the same samples always give the same interval.
    """
    if not wallet or not bare:
        return math.nan, math.nan
    draw = random.Random(seed).choices
    ratios = sorted(
        ratio(
            percentile(draw(wallet, k=len(wallet)), 0.5), percentile(draw(bare, k=len(bare)), 0.5)
        )
        for _ in range(RESAMPLES)
    )
    tail = (1.0 - confidence) / 2
    return percentile(ratios, tail), percentile(ratios, 1.0 - tail)


@dataclass(frozen=True)
class TargetCheck:
    """One stated target and whether the measured value meets it."""

    name: str
    measured: float
    limit: float
    unit: str
    interval: tuple[float, float] | None = None  # 95% bootstrap interval of `measured`

    @property
    def met(self) -> bool | None:
        """None when nothing was measured (a skipped phase is not a pass)."""
        if math.isnan(self.measured):
            return None
        return self.measured <= self.limit

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]
