"""Surge detection on counts of mentions per topic in short buckets.

A bucket (5 minutes by default) is *unusual* when its count is at least ``min_count`` and either
the Poisson tail ``P(X >= count)`` under the expected rate is below ``alpha``, or the robust
z-score ``(count - median) / (1.4826 * MAD)`` is above ``z_threshold``. The expectation respects
time of day and day of week: the median and MAD of the same bucket of the week over the last
``weeks`` weeks. With fewer than ``min_history`` of those (a new topic, the first weeks), the
trailing ``cold_start_buckets`` buckets stand in, and with none the expectation is ``floor``.

A surge opens after ``open_after`` unusual buckets in a row, is updated on every bucket while
open, and resolves after ``quiet_after`` buckets in a row at or below the expectation's upper
band (median + one MAD-sigma). The detector is a small state machine over one topic's buckets;
where the counts live (sharded DynamoDB counters, a list in a test) is the caller's concern.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "BUCKET_SECONDS",
    "WEEK_BUCKETS",
    "Expectation",
    "SurgeConfig",
    "SurgeDetector",
    "SurgeSignal",
    "SurgeState",
    "Transition",
    "expectation",
    "poisson_tail",
]

BUCKET_SECONDS = 300
WEEK_BUCKETS = 7 * 24 * 3600 // BUCKET_SECONDS
_MAD_SIGMA = 1.4826  # MAD of a normal distribution, scaled to its standard deviation


@dataclass(frozen=True)
class SurgeConfig:
    alpha: float = 1e-5
    z_threshold: float = 5.0
    min_count: int = 10
    open_after: int = 2
    quiet_after: int = 3
    weeks: int = 4
    min_history: int = 3
    cold_start_buckets: int = 12
    floor: float = 1.0


@dataclass(frozen=True)
class Expectation:
    median: float
    sigma: float  # robust: 1.4826 * MAD, at least sqrt(median) (Poisson noise) and at least 1
    basis: Literal["same-hour-of-week", "recent", "floor"]

    @property
    def upper(self) -> float:
        return self.median + self.sigma


def poisson_tail(count: int, rate: float) -> float:
    """``P(X >= count)`` for ``X ~ Poisson(rate)``, summed in log space (stable for large counts)."""
    if count <= 0:
        return 1.0
    if rate <= 0:
        return 0.0
    log_rate = math.log(rate)
    # P(X >= k) = 1 - sum_{i<k} pmf(i); for k above the mean sum the upper tail directly instead.
    if count > rate:
        total, i = 0.0, count
        while True:
            term = math.exp(i * log_rate - rate - math.lgamma(i + 1))
            total += term
            if term < total * 1e-12 or i > count + 10_000:
                return min(1.0, total)
            i += 1
    below = sum(math.exp(i * log_rate - rate - math.lgamma(i + 1)) for i in range(count))
    return max(0.0, 1.0 - below)


def _robust(values: Sequence[float], basis: Literal["same-hour-of-week", "recent"]) -> Expectation:
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return Expectation(median, max(_MAD_SIGMA * mad, math.sqrt(median), 1.0), basis)


def expectation(
    history: Callable[[int], int | None], bucket: int, config: SurgeConfig, week_buckets: int = WEEK_BUCKETS
) -> Expectation:
    """What ``bucket`` should hold, from ``history(bucket_index) -> count | None`` (None: not recorded).

    ``week_buckets``: buckets in a week (a bucket other than 5 minutes, as the local mesh uses)."""
    same_slot = [history(bucket - week * week_buckets) for week in range(1, config.weeks + 1)]
    seen = [float(c) for c in same_slot if c is not None]
    if len(seen) >= config.min_history:
        return _robust(seen, "same-hour-of-week")
    recent = [history(bucket - back) for back in range(1, config.cold_start_buckets + 1)]
    known = [float(c) for c in recent if c is not None]
    if known:
        return _robust(known, "recent")
    return Expectation(config.floor, max(math.sqrt(config.floor), 1.0), "floor")


@dataclass(frozen=True)
class SurgeSignal:
    """What a bucket showed: the evidence a Surge.* event carries."""

    bucket: int
    count: int
    expected: Expectation
    tail_probability: float
    z_score: float
    unusual: bool


@dataclass(frozen=True)
class SurgeState:
    streak: int = 0  # unusual buckets in a row (while closed) or quiet buckets in a row (while open)
    open_since: int | None = None
    peak: int = 0
    total: int = 0
    pending: tuple[SurgeSignal, ...] = field(default=())


@dataclass(frozen=True)
class Transition:
    kind: Literal["detected", "updated", "resolved"] | None
    state: SurgeState  # what to pass to the next step (reset after a resolve)
    signal: SurgeSignal
    surge: SurgeState | None = None  # the open (or just resolved) surge's figures, for its event


class SurgeDetector:
    def __init__(self, config: SurgeConfig | None = None) -> None:
        self.config = config or SurgeConfig()

    def signal(self, bucket: int, count: int, expected: Expectation) -> SurgeSignal:
        tail = poisson_tail(count, max(expected.median, 1e-9))
        z = (count - expected.median) / expected.sigma
        unusual = count >= self.config.min_count and (tail < self.config.alpha or z > self.config.z_threshold)
        return SurgeSignal(bucket, count, expected, tail, z, unusual)

    def step(self, state: SurgeState, signal: SurgeSignal) -> Transition:
        """Feed one finished bucket; say whether a surge opened, went on, or resolved."""
        config = self.config
        if state.open_since is None:
            if not signal.unusual:
                return Transition(None, SurgeState(), signal)
            pending = (*state.pending, signal)
            if len(pending) < config.open_after:
                return Transition(None, replace(state, streak=len(pending), pending=pending), signal)
            opened = SurgeState(
                streak=0,
                open_since=pending[0].bucket,
                peak=max(s.count for s in pending),
                total=sum(s.count for s in pending),
            )
            return Transition("detected", opened, signal, opened)
        grown = replace(state, peak=max(state.peak, signal.count), total=state.total + signal.count)
        if signal.count <= signal.expected.upper:
            quiet = replace(grown, streak=state.streak + 1)
            if quiet.streak >= config.quiet_after:
                return Transition("resolved", SurgeState(), signal, quiet)
            return Transition("updated", quiet, signal, quiet)
        busy = replace(grown, streak=0)
        return Transition("updated", busy, signal, busy)
