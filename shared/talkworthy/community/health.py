"""A community health index in the spirit of Lithium's CHI: six factors, each against its own past.

From one week of community events (Discourse webhooks: topics, posts, users, likes; page views
from the admin reports poller), with bots and the brand's own staff filtered out:

=================  ==========================================================================
members            new members this week (growth)
content            topics and posts created
traffic            page views
liveliness         topics with at least ``LIVELY_POSTS`` posts this week
interaction        distinct participants per active topic (people conversing, not broadcasting)
responsiveness     share of new topics answered by someone other than the author within 24 h,
                   scaled down by the median time to that first reply
=================  ==========================================================================

Each factor's raw value is placed as a percentile among the community's trailing ``WINDOW``
weeks, and the index is 100 times the geometric mean of the percentiles (floored at
``FLOOR``), so one collapsing factor pulls the whole score down. The two factors that left
their own trailing range furthest (in standard deviations of that range) explain the week.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["FACTORS", "CommunityEvent", "HealthScore", "WeekFactors", "score_weeks", "week_factors"]

FACTORS = ("members", "content", "traffic", "liveliness", "interaction", "responsiveness")
WINDOW = 26
FLOOR = 0.02
LIVELY_POSTS = 3
DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True)
class CommunityEvent:
    kind: str  # user_created | topic_created | post_created | like | page_views
    at: float  # epoch seconds
    user: str = ""
    topic: str = ""
    staff_or_bot: bool = False
    value: int = 1  # page views carry a count


@dataclass(frozen=True)
class WeekFactors:
    values: dict[str, float]
    first_reply_hours_median: float | None


def week_factors(events: Iterable[CommunityEvent]) -> WeekFactors:
    """The six raw factors of one week's events (one pass; staff and bots left out)."""
    members = content = traffic = 0
    posts_per_topic: dict[str, int] = defaultdict(int)
    people_per_topic: dict[str, set[str]] = defaultdict(set)
    opened: dict[str, tuple[float, str]] = {}
    first_reply: dict[str, float] = {}
    for event in events:
        if event.kind == "page_views":
            traffic += event.value
            continue
        if event.staff_or_bot:
            continue
        if event.kind == "user_created":
            members += 1
        elif event.kind == "topic_created":
            content += 1
            opened[event.topic] = (event.at, event.user)
            posts_per_topic[event.topic] += 1
            people_per_topic[event.topic].add(event.user)
        elif event.kind == "post_created":
            content += 1
            posts_per_topic[event.topic] += 1
            people_per_topic[event.topic].add(event.user)
            start = opened.get(event.topic)
            if start and event.user != start[1] and event.topic not in first_reply and event.at >= start[0]:
                first_reply[event.topic] = event.at - start[0]
    active = [topic for topic, posts in posts_per_topic.items() if posts >= 2]
    waits = sorted(first_reply.values())
    answered = sum(1 for wait in waits if wait <= DAY_SECONDS)
    median_hours = statistics.median(waits) / 3600 if waits else None
    coverage = answered / len(opened) if opened else 0.0
    speed = 1.0 / (1.0 + (median_hours or 24.0) / 24.0)
    return WeekFactors(
        {
            "members": float(members),
            "content": float(content),
            "traffic": float(traffic),
            "liveliness": float(sum(1 for posts in posts_per_topic.values() if posts >= LIVELY_POSTS)),
            "interaction": statistics.mean(len(people_per_topic[t]) for t in active) if active else 0.0,
            "responsiveness": coverage * speed,
        },
        median_hours,
    )


@dataclass(frozen=True)
class HealthScore:
    week: int
    score: float  # 0..100
    percentiles: dict[str, float]
    raw: dict[str, float]
    movers: tuple[str, ...]  # the two factors that moved the score most since last week


def _percentile(value: float, history: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``history`` (0.5 when there is no history)."""
    if not history:
        return 0.5
    below = sum(1 for h in history if h < value)
    equal = sum(1 for h in history if h == value)
    return (below + 0.5 * equal + 0.5) / (len(history) + 1)


def score_weeks(weeks: Sequence[WeekFactors], window: int = WINDOW) -> list[HealthScore]:
    scores: list[HealthScore] = []
    for index, week in enumerate(weeks):
        past = weeks[max(0, index - window) : index]
        percentiles = {factor: _percentile(week.values[factor], [p.values[factor] for p in past]) for factor in FACTORS}
        logs = {factor: math.log(max(FLOOR, p)) for factor, p in percentiles.items()}
        score = 100 * math.exp(sum(logs.values()) / len(FACTORS))
        movers: tuple[str, ...] = ()
        if len(past) >= 2:  # how far each factor left its own range, in its own standard deviations
            surprise = {}
            for factor in FACTORS:
                history = [p.values[factor] for p in past]
                spread = statistics.pstdev(history) or max(abs(statistics.mean(history)) * 0.05, 1e-9)
                surprise[factor] = abs(week.values[factor] - statistics.mean(history)) / spread
            movers = tuple(sorted(FACTORS, key=lambda f: -surprise[f])[:2])
        scores.append(HealthScore(index, round(score, 1), percentiles, dict(week.values), movers))
    return scores
