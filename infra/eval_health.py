"""The community health index judged on a synthetic community (used by `make bench` and a test).

Forty weeks of a support community: members join, ask questions (topics), and a pool of regular
responders answers them; staff and a bot post too (filtered out). At week ``DROP_WEEK`` half of
the responders stop. The index should fall within two weekly windows and name responsiveness
among the two factors that moved it.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any

from talkworthy.community.factors import CommunityEvent, week_factors
from talkworthy.community.health import score_weeks

__all__ = ["evaluate", "synthetic_community", "throughput"]

SEED = 424242
WEEKS = 40
DROP_WEEK = 20
WEEK = 7 * 86_400


def _week_events(rng: random.Random, week: int, responders: int, members: list[str]) -> list[CommunityEvent]:
    start = week * WEEK
    events: list[CommunityEvent] = []
    for _ in range(rng.randint(20, 40)):
        user = f"u{len(members)}"
        members.append(user)
        events.append(CommunityEvent("user_created", start + rng.random() * WEEK, user))
    events.append(CommunityEvent("page_views", start + 1, value=rng.randint(9_000, 11_000)))
    for number in range(rng.randint(70, 90)):
        topic, author = f"t{week}-{number}", rng.choice(members)
        opened = start + rng.random() * (WEEK - 2 * 86_400)
        events.append(CommunityEvent("topic_created", opened, author, topic))
        if rng.random() < 0.1:  # the brand's staff chime in: not the community answering itself
            events.append(CommunityEvent("post_created", opened + 600, "staff-1", topic, staff_or_bot=True))
        helpers = [f"r{i}" for i in range(responders)]
        if rng.random() < min(0.95, 0.25 + responders / 50):  # more responders, more topics answered
            wait = rng.expovariate(responders / (40 * 3600))  # and sooner
            replies = rng.randint(1, max(1, responders // 8))
            for reply in range(replies):
                events.append(CommunityEvent("post_created", opened + wait * (reply + 1), rng.choice(helpers), topic))
            if rng.random() < 0.6:
                events.append(CommunityEvent("post_created", opened + wait * (replies + 1), author, topic))
    return sorted(events, key=lambda e: e.at)


def synthetic_community(seed: int = SEED) -> list[list[CommunityEvent]]:
    rng, members = random.Random(seed), [f"u{i}" for i in range(200)]
    return [_week_events(rng, w, 24 if w < DROP_WEEK else 12, members) for w in range(WEEKS)]


def evaluate() -> dict[str, Any]:
    scores = score_weeks([week_factors(events) for events in synthetic_community()])
    before = statistics.mean(s.score for s in scores[DROP_WEEK - 6 : DROP_WEEK])
    spread = statistics.pstdev(s.score for s in scores[DROP_WEEK - 6 : DROP_WEEK])
    after = scores[DROP_WEEK : DROP_WEEK + 2]
    moved = next((s.week - DROP_WEEK + 1 for s in after if s.score < before - 2 * max(spread, 2.0)), None)
    named = next((s.week - DROP_WEEK + 1 for s in after if "responsiveness" in s.movers), None)
    return {
        "score_before_drop_mean": round(before, 1),
        "score_after_drop": [s.score for s in after],
        "weeks_until_score_moved": moved,
        "weeks_until_responsiveness_named": named,
        "movers_after_drop": [list(s.movers) for s in after],
    }


def throughput(events: int = 1_000_000) -> dict[str, Any]:
    """1 M events to one week's six factors, percentiles and score (against 26 weeks before it)."""
    rng = random.Random(SEED)
    topics = [f"t{i}" for i in range(events // 12)]
    users = [f"u{i}" for i in range(events // 20)]
    kinds = ["post_created"] * 8 + ["topic_created"] * 2 + ["like", "user_created"]
    stream = [CommunityEvent(rng.choice(kinds), float(i), rng.choice(users), rng.choice(topics)) for i in range(events)]
    trailing = [week_factors(week) for week in synthetic_community()[:26]]  # the stored weeks' factors
    started, cpu = time.perf_counter(), time.process_time()
    score_weeks([*trailing, week_factors(stream)])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {
        "events": events,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "events_per_second": round(events / seconds),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
