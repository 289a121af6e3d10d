"""`make bench` figures of the community health path beyond the raw scoring (``infra/eval_health.py``).

- what the community context spends per ``Community.Activity`` (parse the detail, add it to its
  week; the in-memory twin of the store's one ``UpdateItem``);
- the six factors recomputed from a stored week of 1 M activities (what the digest reads);
- the evaluation through the store: the synthetic community recorded as activities, scored week by
  week as the Monday digest scores it;
- the digest's chart: first render (matplotlib's import included) and a warm one.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from infra.eval_health import DROP_WEEK, SEED, WEEK, synthetic_community
from talkworthy.catalog import CommunityActivity, EventMeta
from talkworthy.community.activity_store import InMemoryActivityStore, WeekAggregate
from talkworthy.community.factors import week_factors
from talkworthy.community.health import score_weeks
from talkworthy.usecases.community_health import weekly_scores

__all__ = ["health_figures"]

COMMUNITY = "bench.community.example"
FIRST_MONDAY = date(2026, 1, 5)
_START = datetime.combine(FIRST_MONDAY, datetime.min.time(), UTC).timestamp()
_KINDS = ["post_created"] * 8 + ["topic_created"] * 2 + ["like", "user_created"]


def _activity(kind: str, at: float, user: str, topic: str, n: int) -> CommunityActivity:
    moment = datetime.fromtimestamp(at, UTC)
    return CommunityActivity(
        meta=EventMeta(
            event_key=f"bench:{n}", correlation_id="bench", producer="talkworthy.ingress.discourse", occurred_at=moment
        ),
        community_id=COMMUNITY,
        platform="discourse",
        kind=kind,
        actor=user,
        topic_id=topic if kind != "user_created" else None,
        post_id=f"p{n}" if kind in ("post_created", "like") else None,
        at=moment,
    )


def _week_stream(events: int) -> list[CommunityActivity]:
    rng = random.Random(SEED)
    topics = [f"t{i}" for i in range(max(1, events // 12))]
    users = [f"u{i}" for i in range(max(1, events // 20))]
    return [
        _activity(
            rng.choice(_KINDS),
            _START + i * (WEEK - 1) / events,
            rng.choice(users),
            rng.choice(topics),
            i,
        )
        for i in range(events)
    ]


def record_cost(sample: int = 20_000) -> dict[str, Any]:
    bodies = [a.model_dump_json() for a in _week_stream(sample)]
    store = InMemoryActivityStore()
    started = time.perf_counter()
    for body in bodies:
        store.record(CommunityActivity.model_validate_json(body))
    per = (time.perf_counter() - started) / sample
    return {
        "sample": sample,
        "record_cpu_us": round(per * 1e6, 1),
        "dynamodb_writes_per_activity": 1,  # one UpdateItem (set member or value); staff and bots none
    }


@dataclass(frozen=True, slots=True)
class _Light:
    """What ``WeekAggregate.apply`` reads of an activity, without the model (its cost is ``health_activity``)."""

    kind: str
    actor: str
    topic_id: str | None
    post_id: str | None
    at: datetime


def factors_from_aggregates(events: int = 1_000_000) -> dict[str, Any]:
    """A week of ``events`` activities added to its aggregate, then its factors and score read back from it.

    The activities are made before the clock starts (making them is the generator's cost, not the
    store's); the score is the week's against the 26 weeks before it, as the Monday digest reads it.
    """
    rng = random.Random(SEED)
    topics = [f"t{i}" for i in range(events // 12)]
    users = [f"u{i}" for i in range(events // 20)]
    stream = [
        _Light(
            rng.choice(_KINDS),
            rng.choice(users),
            rng.choice(topics),
            f"p{i}",
            datetime.fromtimestamp(_START + i * (WEEK - 1) / events, UTC),
        )
        for i in range(events)
    ]
    trailing = [week_factors(week) for week in synthetic_community()[:26]]
    week = WeekAggregate(COMMUNITY, FIRST_MONDAY)
    started, cpu = time.perf_counter(), time.process_time()
    for activity in stream:
        week.apply(cast("CommunityActivity", activity))
    added = time.perf_counter()
    factors = week.factors()
    score_weeks([*trailing, factors])
    done, cpu_seconds = time.perf_counter(), time.process_time() - cpu
    return {
        "activities": events,
        "seconds_to_aggregate": round(added - started, 2),
        "seconds_to_score": round(done - added, 2),
        "seconds_total": round(done - started, 2),
        "cpu_seconds_total": round(cpu_seconds, 2),
        "activities_per_second": round(events / (done - started)),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "topics": len(week.topics),
        "content": factors.values["content"],
    }


def stored_evaluation() -> dict[str, Any]:
    store = InMemoryActivityStore()
    for number, events in enumerate(synthetic_community()):
        for n, e in enumerate(events):
            if e.kind == "page_views":
                store.set_traffic(COMMUNITY, FIRST_MONDAY + timedelta(weeks=number), e.value)
                continue
            activity = _activity(e.kind, e.at + _START, e.user, e.topic, number * 1_000_000 + n)
            store.record(activity.model_copy(update={"staff": e.staff_or_bot, "post_id": f"{e.topic}:{e.at}"}))
    history = weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK - 1))
    before = [w.score.score for w in history[-6:]]
    usual, spread = statistics.mean(before), statistics.pstdev(before)
    after = [weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK + n))[-1] for n in (0, 1)]
    moved = next((n + 1 for n, w in enumerate(after) if w.score.score < usual - 2 * max(spread, 2.0)), None)
    named = next((n + 1 for n, w in enumerate(after) if "responsiveness" in w.score.movers), None)
    return {
        "score_before_drop_mean": round(usual, 1),
        "score_after_drop": [w.score.score for w in after],
        "weeks_until_score_moved": moved,
        "weeks_until_responsiveness_named": named,
        "movers_after_drop": [list(w.score.movers) for w in after],
        "week_starts_after_drop": [w.week_start.isoformat() for w in after],
    }


def chart_cost() -> dict[str, Any]:
    import subprocess
    import sys

    code = (
        "import time, json; t = time.perf_counter()\n"
        "from infra.bench_community_health import _chart\n"
        "first = _chart(); warm_t = time.perf_counter(); _chart()\n"
        "warm = round((time.perf_counter() - warm_t) * 1000)\n"
        "print(json.dumps({'first_ms': round((warm_t - t) * 1000), 'warm_ms': warm, 'png_bytes': len(first)}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _chart() -> bytes:
    from talkworthy.community.chart import render_chart
    from talkworthy.usecases.community_health import ScoredWeek

    weeks = synthetic_community()[: DROP_WEEK + 1][-27:]
    factors = [week_factors(events) for events in weeks]
    scored = [
        ScoredWeek(FIRST_MONDAY + timedelta(weeks=n), f, s)
        for n, (f, s) in enumerate(zip(factors, score_weeks(factors), strict=True))
    ]
    return render_chart("Bench community", scored)


def health_figures() -> dict[str, Any]:
    return {
        "health_activity": record_cost(),
        "health_scoring_from_aggregates": factors_from_aggregates(),
        "health_evaluation_stored": stored_evaluation(),
        "digest_chart": chart_cost(),
    }
