"""The weekly community digest in words a community manager uses: the score, its trend, each factor.

From the week's :class:`HealthScore` and the ones before it: the index (0-100) and how it moved
since last week and against its 26-week average, the two factors that explain the week, and each
factor's value with where it stands among the community's own last 26 weeks.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from talkworthy.community.factors import FACTORS

if TYPE_CHECKING:
    from talkworthy.community.factors import WeekFactors
    from talkworthy.usecases.community_health import ScoredWeek

__all__ = ["FACTOR_WORDS", "Digest", "compose_digest"]

FACTOR_WORDS = {
    "members": ("New members", "{:.0f} joined"),
    "content": ("Conversations", "{:.0f} topics and replies"),
    "traffic": ("Visits", "{:,.0f} page views"),
    "liveliness": ("Lively topics", "{:.0f} topics with 3 or more posts"),
    "interaction": ("People talking together", "{:.1f} people per active topic"),
    "responsiveness": ("Answered by the community", ""),  # see _responsiveness
}


@dataclass(frozen=True)
class Digest:
    community_id: str
    week_start: date
    score: float
    change: float | None  # since the week before
    text: str  # Slack mrkdwn
    percentiles: dict[str, float]
    movers: tuple[str, ...]


def _standing(percentile: float) -> str:
    share = round(100 * percentile)
    if share >= 50:
        return f"better than {share}% of recent weeks"
    return f"worse than {100 - share}% of recent weeks"


def _trend(change: float | None, average: float | None) -> str:
    if change is None:
        return "the first week measured"
    direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
    moved = f"{direction} {abs(change):.0f} points from last week" if change else "unchanged from last week"
    return moved + ("" if average is None else f", {average:.0f} on average before")


def _responsiveness(factors: WeekFactors) -> str:
    wait = factors.first_reply_hours_median
    waited = "no reply yet" if wait is None else f"first reply after {wait:.1f} h (median)"
    return f"{factors.reply_coverage:.0%} of new topics answered by another member within a day, {waited}"


def compose_digest(title: str, community_id: str, weeks: Sequence[ScoredWeek]) -> Digest:
    """The digest of the last of ``weeks`` (oldest first)."""
    week_start, latest = weeks[-1].week_start, weeks[-1].score
    before = weeks[-2].score if len(weeks) > 1 else None
    change = None if before is None else round(latest.score - before.score, 1)
    history = [week.score.score for week in weeks[:-1]]
    average = statistics.mean(history) if history else None
    last_day = week_start + timedelta(days=6)
    lines = [
        f"*{title}: community health {latest.score:.0f}/100* ({_trend(change, average)})",
        f"Week of {week_start:%d %b} to {last_day:%d %b %Y}.",
    ]
    if latest.movers:
        named = " and ".join(f"*{FACTOR_WORDS[f][0].lower()}*" for f in latest.movers)
        lines.append(f"What changed most this week: {named}.")
    lines.append("")
    for factor in FACTORS:
        label, value = FACTOR_WORDS[factor]
        said = _responsiveness(weeks[-1].factors) if factor == "responsiveness" else value.format(latest.raw[factor])
        lines.append(f"• {label}: {said}; {_standing(latest.percentiles[factor])}")
    return Digest(
        community_id=community_id,
        week_start=week_start,
        score=latest.score,
        change=change,
        text="\n".join(lines),
        percentiles=dict(latest.percentiles),
        movers=latest.movers,
    )
