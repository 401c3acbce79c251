"""What one bench run measured: raw samples per series, written as JSON and read back.

Raw samples are kept (not only percentiles) so a later look can recompute anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


class FlowSamples(BaseModel):
    """One flow timed on both holders, interleaved; milliseconds per iteration."""

    flow: str
    bare_ms: list[float] = Field(default_factory=list)
    wallet_ms: list[float] = Field(default_factory=list)


class ScaleSamples(BaseModel):
    """Operations on a wallet holding `size` credentials; milliseconds per repetition."""

    size: int = 0
    seeded_from_cache: bool = False
    seed_seconds: float | None = None
    ops: dict[str, list[float]] = Field(default_factory=dict)


class DeliverySamples(BaseModel):
    """One flow timed on the wallet in `direct` and in `pickup` delivery, interleaved."""

    flow: str
    targeted: bool = True  # judged against the pickup/direct limit, or only shown
    direct_ms: list[float] = Field(default_factory=list)
    pickup_ms: list[float] = Field(default_factory=list)


class DeliveryResults(BaseModel):
    """Pickup through a mediator against direct delivery, and the idle live connection."""

    mediator: str = ""
    skipped: str | None = None  # why the run has no pickup side
    flows: list[DeliverySamples] = Field(default_factory=list)
    idle_window_s: float = 0.0
    idle_cpu_percent: dict[str, float] = Field(default_factory=dict)  # % of one core

    def flow(self, name: str) -> DeliverySamples:
        for samples in self.flows:
            if samples.flow == name:
                return samples
        samples = DeliverySamples(flow=name)
        self.flows.append(samples)
        return samples


class RunMeta(BaseModel):
    started: str = Field(default_factory=lambda: datetime.now(UTC).isoformat())
    quick: bool = False
    iterations: int = 0
    load_before: list[float] = Field(default_factory=list)
    load_after: list[float] = Field(default_factory=list)
    cpus: int = 0
    notes: list[str] = Field(default_factory=list)


class BenchResults(BaseModel):
    meta: RunMeta = Field(default_factory=RunMeta)
    overhead: list[FlowSamples] = Field(default_factory=list)
    prompt_after_webhook_ms: list[float] = Field(default_factory=list)
    start_ms: FlowSamples = Field(default_factory=lambda: FlowSamples(flow="cold start"))
    memory_mb: dict[str, float] = Field(default_factory=dict)
    scale: ScaleSamples = Field(default_factory=ScaleSamples)
    delivery: DeliveryResults = Field(default_factory=DeliveryResults)
    extra: dict[str, Any] = Field(default_factory=dict)

    def flow(self, name: str) -> FlowSamples:
        """The series of `name`, made on first use so flows can append in any order."""
        for samples in self.overhead:
            if samples.flow == name:
                return samples
        samples = FlowSamples(flow=name)
        self.overhead.append(samples)
        return samples
