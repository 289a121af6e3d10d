"""A community health index in the spirit of Lithium's CHI: six factors, each against its own past.

The six raw factors of a week (members, content, traffic, liveliness, interaction,
responsiveness; bots and the brand's own staff filtered out) are defined in
``community/factors.py``. Each factor's raw value is placed as a percentile among the community's
trailing ``WINDOW`` weeks, and the index is 100 times the geometric mean of the percentiles
(floored at ``FLOOR``), so one collapsing factor pulls the whole score down. The two factors that
left their own trailing range furthest (in standard deviations of that range) explain the week.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from talkworthy.community.factors import FACTORS, WeekFactors

__all__ = ["HealthScore", "score_weeks"]

WINDOW = 26
FLOOR = 0.02


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
