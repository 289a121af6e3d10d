"""A topic's surge state as stored: the detector's state, the last bucket evaluated, the run's figures."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from talkworthy.community.surge import Expectation, SurgeSignal, SurgeState

__all__ = ["BucketFigures", "StoredSignal", "TopicState"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoredSignal(_Model):
    bucket: int
    count: int
    median: float
    sigma: float
    basis: Literal["same-hour-of-week", "recent", "floor"]
    tail_probability: float
    z_score: float

    @classmethod
    def of(cls, signal: SurgeSignal) -> StoredSignal:
        e = signal.expected
        return cls(
            bucket=signal.bucket,
            count=signal.count,
            median=e.median,
            sigma=e.sigma,
            basis=e.basis,
            tail_probability=signal.tail_probability,
            z_score=signal.z_score,
        )

    def signal(self) -> SurgeSignal:
        expected = Expectation(self.median, self.sigma, self.basis)
        return SurgeSignal(self.bucket, self.count, expected, self.tail_probability, self.z_score, True)


class BucketFigures(_Model):
    """One bucket of the current run (the unusual streak, then the open surge)."""

    bucket: int
    total: int
    negative: int = 0
    neutral: int = 0
    positive: int = 0


class TopicState(_Model):
    first_bucket: int
    last_closed: int
    streak: int = 0
    open_since: int | None = None
    peak: int = 0
    total: int = 0
    pending: list[StoredSignal] = []
    run: list[BucketFigures] = []  # the buckets since the streak began (kept while a surge is open)

    def detector(self) -> SurgeState:
        return SurgeState(
            streak=self.streak,
            open_since=self.open_since,
            peak=self.peak,
            total=self.total,
            pending=tuple(p.signal() for p in self.pending),
        )

    def with_detector(self, state: SurgeState, last_closed: int, run: list[BucketFigures]) -> TopicState:
        return TopicState(
            first_bucket=self.first_bucket,
            last_closed=last_closed,
            streak=state.streak,
            open_since=state.open_since,
            peak=state.peak,
            total=state.total,
            pending=[StoredSignal.of(s) for s in state.pending],
            run=run,
        )
