"""Community health: activity into the week's aggregates, and the index over a community's weeks.

Recording is idempotent under redelivery because the store's writes are (set members and values
that one activity always sets the same way; see ``community/activity_store.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from talkworthy.community.health import WINDOW, HealthScore, score_weeks

if TYPE_CHECKING:
    from talkworthy.catalog import Detail
    from talkworthy.catalog.community_activity import CommunityActivity
    from talkworthy.community.activity_store import ActivityStore
    from talkworthy.community.factors import WeekFactors

__all__ = ["ScoredWeek", "record_activity", "weekly_scores"]


def record_activity(activity: CommunityActivity, store: ActivityStore) -> Sequence[Detail]:
    store.record(activity)
    return []


@dataclass(frozen=True)
class ScoredWeek:
    week_start: date  # its Monday
    factors: WeekFactors
    score: HealthScore


def weekly_scores(store: ActivityStore, community_id: str, last_week: date, window: int = WINDOW) -> list[ScoredWeek]:
    """The index of ``last_week`` (a Monday) and of up to ``window`` weeks before it, oldest first.

    Each week is scored against its own trailing ``window`` weeks, so ``2 * window + 1`` weeks are
    read; the weeks before the community's first activity are left out.
    """
    weeks = [last_week - timedelta(weeks=back) for back in range(2 * window, -1, -1)]
    factors = [store.week(community_id, week).factors() for week in weeks]
    first = next((i for i, f in enumerate(factors) if any(f.values.values())), len(factors) - 1)
    scores = score_weeks(factors[first:], window)
    scored = [ScoredWeek(*each) for each in zip(weeks[first:], factors[first:], scores, strict=True)]
    return scored[-(window + 1) :]
