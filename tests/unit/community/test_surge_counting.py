"""The scheduled surge path: buckets counted from the routing journal, evaluated once, Surge.* events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talkworthy.catalog import Detail, EventMeta, MentionEnriched, SurgeDetected, SurgeResolved, SurgeUpdated
from talkworthy.community.memory import InMemorySurgeStore
from talkworthy.community.surge import SurgeConfig
from talkworthy.routing.decision import Decision
from talkworthy.routing.journal import InMemoryRoutingJournal, RoutedMention, RoutingJournal
from talkworthy.usecases.surges import MentionCounts, SurgeSettings, evaluate_due, ready_bucket
from tests.unit.usecases.mention_builders import enriched

BUCKET = 60
SETTINGS = SurgeSettings(
    bucket_seconds=BUCKET, grace_seconds=5, silence_seconds=120, detector=SurgeConfig(min_count=10)
)
START = 1_800_000_000 // BUCKET * BUCKET
NOTIFIED = Decision(rule="default", action="notify", explanation="default")


def _mention(n: int, at: float, intent: str = "complaint", sentiment: float = -0.6) -> MentionEnriched:
    base = enriched(intent=intent, tier="standard", sentiment=sentiment, key=f"standard:msg_{n}")
    meta = EventMeta(
        event_key=f"standard:msg_{n}",
        correlation_id=f"req-{n}",
        producer="talkworthy.enrich",
        occurred_at=datetime.fromtimestamp(at, UTC),
        tenant="acme",
    )
    return base.model_copy(update={"meta": meta})


def _route(journal: RoutingJournal, mention: MentionEnriched, late: float = 1.0) -> None:
    at = mention.meta.occurred_at + timedelta(seconds=late)
    journal.put(RoutedMention(routed_at=at, mention=mention, decision=NOTIFIED))


def _stream(
    per_bucket: list[int],
    store: InMemorySurgeStore,
    journal: RoutingJournal | None = None,
    redeliver: bool = False,
    scans_per_bucket: int = 1,
) -> list[Detail]:
    """Each bucket's mentions spread over it and routed; the scan runs ``scans_per_bucket`` times a bucket."""
    journal = journal if journal is not None else InMemoryRoutingJournal()
    events: list[Detail] = []
    n = 0
    for index, count in enumerate(per_bucket):
        for i in range(count):
            at = START + index * BUCKET + (i + 0.5) * BUCKET / max(count, 1)
            mention = _mention(n, at)
            _route(journal, mention)
            if redeliver:  # SQS delivers it again, and routing journals it again, after midnight even
                _route(journal, mention, late=90_000)
            n += 1
        for scan in range(scans_per_bucket):
            now = START + (index + 1) * BUCKET + scan * BUCKET / scans_per_bucket
            events += evaluate_due(store, journal, SETTINGS, datetime.fromtimestamp(now, UTC))
    return events


QUIET, SPIKE = [2] * 12, [40, 45, 30]


def test_a_burst_opens_one_surge_updated_per_bucket_and_resolved_after_the_quiet_period() -> None:
    store = InMemorySurgeStore()
    events = _stream([*QUIET, *SPIKE, *[2] * 5, 1], store)
    kinds = [e.DETAIL_TYPE for e in events]
    assert kinds == ["Surge.Detected", "Surge.Updated", "Surge.Updated", "Surge.Updated", "Surge.Resolved"]
    detected = events[0]
    assert isinstance(detected, SurgeDetected)
    assert detected.topic == "acme/complaint"
    assert detected.subject == "complaints"
    assert detected.trend == [40, 45]
    assert detected.total == 85
    assert detected.sentiment.negative == 85
    assert detected.evidence.basis == "recent"
    assert detected.evidence.expected == 2.0
    assert detected.evidence.tail_probability < 1e-5
    assert detected.opened_at == datetime.fromtimestamp(START + 12 * BUCKET, UTC)
    resolved = events[-1]
    assert isinstance(resolved, SurgeResolved)
    assert resolved.surge_id == detected.surge_id
    assert resolved.trend[:3] == [40, 45, 30]
    assert resolved.peak == 45
    assert len({e.meta.event_key for e in events}) == len(events)  # keys are per surge, kind and bucket
    assert store.open == set()


def test_a_redelivered_mention_is_counted_once_even_routed_again_after_midnight() -> None:
    once, twice = InMemorySurgeStore(), InMemorySurgeStore()
    first = _stream([*QUIET, *SPIKE, 2, 2], once)
    second = _stream([*QUIET, *SPIKE, 2, 2], twice, redeliver=True)
    assert [e.model_dump() for e in second] == [e.model_dump() for e in first]
    assert isinstance(second[1], SurgeUpdated)
    assert second[1].trend == [40, 45, 30]


def test_steady_traffic_and_a_small_bump_open_nothing() -> None:
    store = InMemorySurgeStore()
    assert _stream([*QUIET, 6, 7, 3, 2], store) == []  # below the minimum count


def test_a_bucket_is_evaluated_once_however_often_the_scan_runs() -> None:
    every_bucket, often = InMemorySurgeStore(), InMemorySurgeStore()
    stream = [*QUIET, *SPIKE, *[2] * 5]
    once = _stream(stream, every_bucket)
    many = _stream(stream, often, scans_per_bucket=4)
    assert [e.model_dump() for e in many] == [e.model_dump() for e in once]
    state = often.states["acme/complaint"]
    assert not often.save("acme/complaint", state, state.last_closed - 1, {})  # a stale run loses the race
    assert not often.claim(often.clock or 0, (often.clock or 0) - 1)


def test_a_brand_that_falls_silent_entirely_has_its_surge_resolved_after_the_quiet_period() -> None:
    store, journal = InMemorySurgeStore(), InMemoryRoutingJournal()
    events = _stream([*QUIET, *SPIKE], store, journal)
    assert [e.DETAIL_TYPE for e in events] == ["Surge.Detected"]  # the last spike bucket: not over by then
    assert store.open == {"acme/complaint"}
    silence_began = START + (len(QUIET) + len(SPIKE)) * BUCKET
    later: list[Detail] = []
    for minute in range(1, 8):  # nobody mentions anything: the scan still runs every minute
        now = datetime.fromtimestamp(silence_began + minute * BUCKET, UTC)
        later += evaluate_due(store, journal, SETTINGS, now)
    assert [e.DETAIL_TYPE for e in later] == ["Surge.Updated"] * 3 + ["Surge.Resolved"]
    resolved = later[-1]
    assert isinstance(resolved, SurgeResolved)
    assert resolved.trend == [40, 45, 30, 0, 0, 0]
    assert resolved.evidence.count == 0
    assert store.open == set()


class _Behind:
    """A journal whose routing is running behind: it has journaled nothing after ``upto``."""

    def __init__(self, journal: InMemoryRoutingJournal, upto: float) -> None:
        self.journal, self.upto = journal, datetime.fromtimestamp(upto, UTC)

    def counts(self, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
        return self.journal.counts(start, min(end, self.upto))

    def newest(self, now: datetime) -> datetime | None:
        return min(self.journal.newest(now) or self.upto, self.upto)


def test_a_bucket_waits_for_routing_running_behind_and_for_the_wall_clock_only_after_a_silence() -> None:
    journal = InMemoryRoutingJournal()
    for n in range(30):
        _route(journal, _mention(n, START + n))
    behind: MentionCounts = _Behind(journal, upto=START + 20)
    now = datetime.fromtimestamp(START + BUCKET + 30, UTC)
    assert ready_bucket(behind.newest(now), now, SETTINGS) < START // BUCKET  # its mentions are not all in
    now = datetime.fromtimestamp(START + BUCKET + SETTINGS.silence_seconds, UTC)
    assert ready_bucket(behind.newest(now), now, SETTINGS) == START // BUCKET  # silence: the clock decides
    assert ready_bucket(journal.newest(now), now, SETTINGS) >= START // BUCKET
