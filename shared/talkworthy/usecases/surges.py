"""Mention.Enriched → the topic's counters; every finished bucket → the detector → Surge.* events.

Per mention: one digest added to the batch's counters (written once per batch and topic, see
``community/counters.py``). A bucket is evaluated once the stream has moved ``grace_seconds``
past its end (a mention enriched that much later is counted: the batches that counted the
bucket's own mentions are written by then), by the first mention that sees it due, for its own
topic and for every topic with an open surge (so a surge resolves even when its topic falls
silent). What one evaluation reads does not grow with the crisis: the bucket's shards, a few
totals of the history, the state.

Idempotent under redelivery: a mention's digest is in a set, so it counts once; a bucket's
evaluation is saved conditionally on the last bucket evaluated, so it happens once, and its
events carry keys made of the topic and the buckets (``surge:<topic>@<opened>:<kind>:<bucket>``).
If publishing them fails, the next bucket's ``Surge.Updated`` carries the whole surge again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from talkworthy.catalog import Detail, EventMeta, MentionEnriched
from talkworthy.catalog.surge import SentimentSplit, SurgeDetected, SurgeEvidence, SurgeResolved, SurgeUpdated
from talkworthy.community.counters import SurgeStore, history_buckets, key_digest
from talkworthy.community.state import BucketFigures, TopicState
from talkworthy.community.surge import SurgeConfig, SurgeDetector, SurgeSignal, expectation
from talkworthy.community.topics import sentiment_group, subject_of, topic_of

__all__ = ["PRODUCER", "SurgeSettings", "count_mention", "evaluate_topic"]

PRODUCER = "talkworthy.community"
_MAX_CATCH_UP = 12  # buckets evaluated per call; a longer silence is caught up by the next mentions
_TREND = 48


@dataclass(frozen=True)
class SurgeSettings:
    bucket_seconds: int = 300
    grace_seconds: int = 30
    detector: SurgeConfig = field(default_factory=SurgeConfig)

    @property
    def week_buckets(self) -> int:
        return 7 * 24 * 3600 // self.bucket_seconds


def count_mention(event: MentionEnriched, store: SurgeStore, settings: SurgeSettings) -> list[Detail]:
    """Count the mention in the bucket of the time it was enriched; evaluate what that time says is over.

    The clock is the stream's own (event time), so a consumer running behind (a backed-up queue)
    still evaluates a bucket only after the mentions in it were counted.
    """
    topic = topic_of(event)
    at = event.meta.occurred_at.timestamp()
    bucket = int(at) // settings.bucket_seconds
    store.add(topic, bucket, sentiment_group(event.sentiment.label), key_digest(event.meta.event_key))
    out: list[Detail] = []
    for due in sorted({topic} | store.open_topics()):
        out += evaluate_topic(due, store, settings, at, seen_bucket=bucket)
    return out


def evaluate_topic(
    topic: str, store: SurgeStore, settings: SurgeSettings, now: float, seen_bucket: int | None = None
) -> list[Detail]:
    ready = int(now - settings.grace_seconds) // settings.bucket_seconds - 1  # the last bucket safely over
    known = store.known_closed(topic)
    if known is not None and known >= ready:
        return []  # nothing due: no read (the common case, mention after mention)
    state = store.state(topic)
    if state is None:
        first = min(ready + 1, seen_bucket if seen_bucket is not None else ready + 1)
        store.save(topic, TopicState(first_bucket=first, last_closed=first - 1), None, {})
        return []
    if state.last_closed >= ready:
        return []
    detector = SurgeDetector(settings.detector)
    config = settings.detector
    wanted = range(state.last_closed + 1, min(ready, state.last_closed + _MAX_CATCH_UP) + 1)
    closed: dict[int, dict[str, int]] = {}
    recorded = store.totals(
        topic,
        {b for f in wanted for b in history_buckets(f, config.weeks, settings.week_buckets, config.cold_start_buckets)},
    )
    out: list[Detail] = []
    current = state
    for bucket in wanted:
        count = store.count(topic, bucket)
        closed[bucket] = count
        recorded[bucket] = count["total"]

        def history(b: int, first: int = current.first_bucket, upto: int = bucket) -> int | None:
            if b in recorded:
                return recorded[b]
            return 0 if first <= b <= upto else None  # evaluated while the topic was known, no mention

        signal = detector.signal(
            bucket, count["total"], expectation(history, bucket, config, week_buckets=settings.week_buckets)
        )
        step = detector.step(current.detector(), signal)
        figures = BucketFigures(
            bucket=bucket,
            total=count["total"],
            negative=count["negative"],
            neutral=count["neutral"],
            positive=count["positive"],
        )
        run = [*current.run, figures] if (signal.unusual or current.open_since is not None) else []
        if step.kind == "resolved":
            out.append(_event(SurgeResolved, topic, current, run, signal, settings))
            store.set_open(topic, False)
            run = []
        elif step.kind is not None:
            model = SurgeDetected if step.kind == "detected" else SurgeUpdated
            opened = step.state.open_since if step.state.open_since is not None else bucket
            out.append(_event(model, topic, current, run, signal, settings, opened))
            if step.kind == "detected":
                store.set_open(topic, True)
        current = current.with_detector(step.state, bucket, run[-_TREND:])
    if not store.save(topic, current, state.last_closed, closed):
        return []  # another consumer evaluated these buckets and published their events
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
