"""Every finished bucket → the surge detector → Surge.* events, on a schedule.

A scheduled run (every minute, ``contexts/surge_scan.py``) evaluates each bucket that is over, in
order: the bucket's mentions are counted from the routing journal (``MentionCounts.counts``: a
range query over the day's shards), and every topic with a mention in it, or with an open surge,
is evaluated (a topic with an open surge and no mention counts 0, so a surge resolves after its
quiet period even when the brand falls silent entirely). A bucket is over once the stream has
moved ``grace_seconds`` past its end (the newest mention journaled: routing running behind in a
crisis still has its mentions counted), or once ``silence_seconds`` have passed on the wall clock
(nobody mentioned anything). What one evaluation reads does not grow with a crisis beyond the
bucket's own journal items: the state, a few totals of the history.

Idempotent: a bucket is counted from the journal, where a redelivered mention rewrote its own item;
a topic's bucket is saved conditionally on the last bucket it evaluated, so it happens once; the
clock moves on conditionally too. Events carry keys made of the topic and the buckets
(``surge:<topic>@<opened>:<kind>:<bucket>``). If publishing them fails, the next bucket's
``Surge.Updated`` carries the whole surge again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from talkworthy.catalog import Detail, EventMeta
from talkworthy.catalog.surge import SentimentSplit, SurgeDetected, SurgeEvidence, SurgeResolved, SurgeUpdated
from talkworthy.community.counters import SurgeStore
from talkworthy.community.state import BucketFigures, TopicState
from talkworthy.community.surge import SurgeConfig, SurgeDetector, SurgeSignal, SurgeState, expectation
from talkworthy.community.topics import SENTIMENT_GROUPS, BucketCount, subject_of

__all__ = ["PRODUCER", "MentionCounts", "SurgeSettings", "evaluate_due", "ready_bucket"]

PRODUCER = "talkworthy.community"
_MAX_CATCH_UP = 12  # buckets evaluated per run; a longer outage is caught up by the next runs
_TREND = 48
_EMPTY: BucketCount = {**dict.fromkeys(SENTIMENT_GROUPS, 0), "total": 0}


class MentionCounts(Protocol):
    """Where a bucket's mentions are counted (the routing journal)."""

    def counts(self, start: datetime, end: datetime) -> dict[str, BucketCount]: ...

    def newest(self, now: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class SurgeSettings:
    bucket_seconds: int = 300
    grace_seconds: int = 60
    silence_seconds: int = 600
    detector: SurgeConfig = field(default_factory=SurgeConfig)

    @property
    def week_buckets(self) -> int:
        return 7 * 24 * 3600 // self.bucket_seconds


def ready_bucket(newest: datetime | None, now: datetime, settings: SurgeSettings) -> int:
    """The last bucket that is over: by the stream's clock, or by the wall clock after a silence."""
    by_clock = now.timestamp() - settings.silence_seconds
    by_stream = newest.timestamp() - settings.grace_seconds if newest is not None else by_clock
    return int(min(max(by_stream, by_clock), now.timestamp() - settings.grace_seconds)) // settings.bucket_seconds - 1


def evaluate_due(store: SurgeStore, counts: MentionCounts, settings: SurgeSettings, now: datetime) -> list[Detail]:
    """Evaluate the buckets over since the last run (at most ``_MAX_CATCH_UP``); the events they caused."""
    ready = ready_bucket(counts.newest(now), now, settings)
    previous = store.last_evaluated()
    first = ready if previous is None else previous + 1
    out: list[Detail] = []
    for bucket in range(first, min(ready, first + _MAX_CATCH_UP - 1) + 1):
        start = _at(bucket, settings)
        found = counts.counts(start, start + timedelta(seconds=settings.bucket_seconds))
        for topic in sorted(set(found) | store.open_topics()):  # a topic's events: only the run whose save won
            out += _evaluate_topic(topic, bucket, found.get(topic, _EMPTY), store, settings)
        if not store.claim(bucket, previous):
            break  # another run is moving the clock: the next buckets are its
        previous = bucket
    return out


def _history(
    store: SurgeStore, topic: str, state: TopicState, bucket: int, settings: SurgeSettings
) -> Callable[[int], int | None]:
    """``history(b) -> count | None`` for the detector: the same slot of past weeks read at once,
    the recent buckets only if those are too few (the cold start)."""
    config = settings.detector
    same_slot = [bucket - w * settings.week_buckets for w in range(1, config.weeks + 1)]
    recorded = store.totals(topic, same_slot)
    if sum(1 for b in same_slot if b in recorded or b >= state.first_bucket) < config.min_history:
        recorded |= store.totals(topic, [bucket - b for b in range(1, config.cold_start_buckets + 1)])

    def history(b: int) -> int | None:
        if b in recorded:
            return recorded[b]
        return 0 if state.first_bucket <= b < bucket else None  # evaluated while the topic was known, no mention

    return history


def _evaluate_topic(
    topic: str, bucket: int, count: BucketCount, store: SurgeStore, settings: SurgeSettings
) -> list[Detail]:
    """One topic's finished bucket through the detector; its event, if the bucket opened, updated or
    resolved a surge (none if another run evaluated it first)."""
    stored = store.state(topic)
    state = stored or TopicState(first_bucket=bucket, last_closed=bucket - 1)
    if state.last_closed >= bucket:
        return []
    if state.last_closed < bucket - 1 and state.open_since is None:
        state = state.with_detector(SurgeState(), bucket - 1, [])  # buckets without a mention in between: a streak ends
    detector = SurgeDetector(settings.detector)
    history = _history(store, topic, state, bucket, settings)
    signal = detector.signal(
        bucket, count["total"], expectation(history, bucket, settings.detector, week_buckets=settings.week_buckets)
    )
    step = detector.step(state.detector(), signal)
    figures = BucketFigures(bucket=bucket, **{g: count[g] for g in (*SENTIMENT_GROUPS, "total")})
    run = [*state.run, figures] if (signal.unusual or state.open_since is not None) else []
    out: list[Detail] = []
    if step.kind == "resolved":
        out.append(_event(SurgeResolved, topic, state, run, signal, settings))
        run = []
    elif step.kind is not None:
        model = SurgeDetected if step.kind == "detected" else SurgeUpdated
        opened = step.state.open_since if step.state.open_since is not None else bucket
        out.append(_event(model, topic, state, run, signal, settings, opened))
    if step.kind in ("detected", "resolved"):  # before the state: a run that dies here leaves it evaluated again
        store.set_open(topic, step.kind == "detected")
    after = state.with_detector(step.state, bucket, run[-_TREND:])
    if not store.save(topic, after, stored.last_closed if stored else None, {bucket: count}):
        return []  # another run evaluated this bucket and published its events
    return out


def _at(bucket: int, settings: SurgeSettings) -> datetime:
    return datetime.fromtimestamp(bucket * settings.bucket_seconds, UTC)


def _event(
    model: type[SurgeDetected] | type[SurgeUpdated] | type[SurgeResolved],
    topic: str,
    before: TopicState,
    run: list[BucketFigures],
    signal: SurgeSignal,
    settings: SurgeSettings,
    opened: int | None = None,
) -> Detail:
    opened = opened if opened is not None else before.open_since
    assert opened is not None, "a surge event needs the bucket its surge opened in"
    since = [f for f in run if f.bucket >= opened]
    kind = model.DETAIL_TYPE.split(".")[1].lower()
    surge_id = f"{topic}@{opened}"
    at = _at(signal.bucket + 1, settings)
    bucket_figures = since[-1] if since else BucketFigures(bucket=signal.bucket, total=signal.count)
    fields = {
        "meta": EventMeta(
            event_key=f"surge:{surge_id}:{kind}:{signal.bucket}",
            correlation_id=f"surge:{surge_id}",
            producer=PRODUCER,
            occurred_at=at,
            tenant=topic.rsplit("/", 1)[0],
        ),
        "surge_id": surge_id,
        "topic": topic,
        "brand": topic.rsplit("/", 1)[0],
        "subject": subject_of(topic),
        "opened_at": _at(opened, settings),
        "total": sum(f.total for f in since),
        "peak": max((f.total for f in since), default=signal.count),
        "trend": [f.total for f in since][-_TREND:],
        "sentiment": SentimentSplit(
            negative=sum(f.negative for f in since),
            neutral=sum(f.neutral for f in since),
            positive=sum(f.positive for f in since),
        ),
        "evidence": SurgeEvidence(
            bucket_start=_at(signal.bucket, settings),
            bucket_seconds=settings.bucket_seconds,
            count=signal.count,
            sentiment=SentimentSplit(
                negative=bucket_figures.negative, neutral=bucket_figures.neutral, positive=bucket_figures.positive
            ),
            expected=round(signal.expected.median, 3),
            sigma=round(signal.expected.sigma, 3),
            basis=signal.expected.basis,
            tail_probability=min(1.0, max(0.0, signal.tail_probability)),
            z_score=round(signal.z_score, 3),
        ),
    }
    if model is SurgeResolved:
        return SurgeResolved(**fields, resolved_at=at)
    return model(**fields)
