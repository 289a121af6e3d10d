"""When a customer leaves their own pattern: the triggers, and when to look again.

Every trigger compares the customer with themselves (their smoothed gap, spread and order value),
leaning on the population's latency for their position in their sequence while their own history
is short. ``tolerance`` (1.0, widened by a person's "Not at risk") scales every threshold.

=====================  ==================================================================
reason                 fires when
=====================  ==================================================================
``overdue``            the open gap exceeds the trip wire: own mean + 3 sd (sd at least a
                       quarter of the mean), blended with the population's 90th percentile
                       gap at this position, weight ``m / (m + 3)`` for ``m`` own gaps
``no_second_order``    a one-time buyer past the population's 90th percentile first gap
``frequency_drop``     4+ gaps and the recent gap (EWMA 0.5, the open gap included once it
                       is longer) exceeds the long-run gap (EWMA 0.15) by 1.4x and by 3 sd
                       of a recent gap (sd x 0.58 for EWMA 0.5)
``spend_drop``         4+ priced orders and the recent order value is under 0.6x the usual
``contact_surge``      contact pressure (contacts and cases, each ``exp(-age/14 d)``) ≥ 2
``negative_sentiment`` negative-mention pressure ≥ 1.5, or ≥ 0.8 alongside another reason
``cancellation`` /     one in the last 30 days
``downgrade``
=====================  ==================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from talkworthy.catalog.behavior import ReasonCode
from talkworthy.customers.baseline import DAY, FAST, Baseline, Running
from talkworthy.customers.calibration import Calibration

__all__ = ["Assessment", "Finding", "assess", "next_check"]

Z = 3.0
SD_FLOOR = 0.25
PRIOR_GAPS = 3.0
MIN_GAPS = 4
SLOWDOWN = 1.4
FAST_SD = math.sqrt(FAST / (2.0 - FAST))  # an EWMA's spread relative to the values' spread
MIN_AMOUNTS = 4
SPEND = 0.6
CONTACT_SURGE = 2.0
NEGATIVE = 1.5
NEGATIVE_WITH_OTHERS = 0.8
CHURN_DAYS = 30.0
CONTACTS = frozenset({"contact", "case"})
NEGATIVE_KINDS = frozenset({"negative_mention"})


@dataclass(frozen=True)
class Finding:
    code: ReasonCode
    expected: float
    observed: float
    unit: str
    sentence: str


@dataclass(frozen=True)
class Assessment:
    findings: tuple[Finding, ...]
    summary: Running
    tier: str
    p_alive: float | None
    trip_wire_days: float | None
    recent_gap_days: float | None
    open_gap_days: float | None

    @property
    def frequency_per_month(self) -> float:
        s = self.summary
        if s.gaps == 0 or s.gap_slow <= 0:
            return 0.0
        return 30.44 / s.gap_slow


def trip_wire(summary: Running, calibration: Calibration, tolerance: float) -> float:
    population = calibration.latency_at(summary.count).p90
    if summary.gaps == 0:
        return tolerance * population
    own = summary.gap_slow + Z * max(math.sqrt(summary.gap_var), SD_FLOOR * summary.gap_slow)
    weight = summary.gaps / (summary.gaps + PRIOR_GAPS)
    return tolerance * (weight * own + (1.0 - weight) * population)


def slowdown_threshold(summary: Running, tolerance: float) -> float:
    """The recent gap beyond which orders are slowing: 1.4x the usual, and 3 sd of a recent gap above it."""
    spread = Z * FAST_SD * max(math.sqrt(summary.gap_var), SD_FLOOR * summary.gap_slow)
    return tolerance * max(SLOWDOWN * summary.gap_slow, summary.gap_slow + spread)


def _recent_gap(summary: Running, open_gap: float) -> float:
    if open_gap > summary.gap_fast:
        return FAST * open_gap + (1.0 - FAST) * summary.gap_fast
    return summary.gap_fast


def assess(baseline: Baseline, now: int, calibration: Calibration, tolerance: float = 1.0) -> Assessment:
    s = baseline.summary()
    found: list[Finding] = []
    trip = recent = open_gap = p_alive = None
    tier = "standard"
    if s.count and s.last_at is not None and s.first_at is not None:
        open_gap = max(0.0, (now - s.last_at) / DAY)
        span = max((now - s.first_at) / DAY, 90.0)
        tier = calibration.tier(s.total / span * 365.0)
        p_alive = calibration.p_alive(s.count, s.first_at / DAY, s.last_at / DAY, now / DAY)
        trip = trip_wire(s, calibration, tolerance)
        if open_gap > trip:
            code: ReasonCode = "overdue" if s.gaps else "no_second_order"
            usual = f"usually orders every {s.gap_slow:.0f} days" if s.gaps else "has ordered once"
            found.append(
                Finding(
                    code,
                    round(trip, 1),
                    round(open_gap, 1),
                    "days",
                    f"No order for {open_gap:.0f} days; this customer {usual} "
                    f"(trip wire {trip:.0f} days after order {s.count}).",
                )
            )
        if s.gaps >= MIN_GAPS:
            recent = _recent_gap(s, open_gap)
            if recent > slowdown_threshold(s, tolerance):
                found.append(
                    Finding(
                        "frequency_drop",
                        round(s.gap_slow, 1),
                        round(recent, 1),
                        "days",
                        f"Orders are slowing: lately every {recent:.0f} days against a usual {s.gap_slow:.0f}.",
                    )
                )
        if s.amounts >= MIN_AMOUNTS and s.amount_fast < SPEND / tolerance * s.amount_slow:
            found.append(
                Finding(
                    "spend_drop",
                    round(s.amount_slow, 2),
                    round(s.amount_fast, 2),
                    "amount",
                    f"Recent orders average {s.amount_fast:,.0f} against a usual {s.amount_slow:,.0f}.",
                )
            )
    found += _social(baseline, now, tolerance, others=bool(found))
    for signal in baseline.recent_churn(now, CHURN_DAYS):
        churn: ReasonCode = "cancellation" if signal.kind == "cancellation" else "downgrade"
        found.append(Finding(churn, 0.0, 1.0, "events", f"{churn.capitalize()} on {_date(signal.at)}."))
    return Assessment(tuple(found), s, tier, p_alive, trip, recent, open_gap)


def _social(baseline: Baseline, now: int, tolerance: float, *, others: bool) -> list[Finding]:
    found = []
    contacts = baseline.pressure(CONTACTS, now)
    if contacts >= tolerance * CONTACT_SURGE:
        count = _count(baseline, CONTACTS, now)
        found.append(
            Finding(
                "contact_surge",
                CONTACT_SURGE,
                round(contacts, 2),
                "pressure",
                f"{count} support contacts or cases in the last 21 days.",
            )
        )
    negative = baseline.pressure(NEGATIVE_KINDS, now)
    if negative >= tolerance * (NEGATIVE_WITH_OTHERS if others or found else NEGATIVE):
        count = _count(baseline, NEGATIVE_KINDS, now)
        found.append(
            Finding(
                "negative_sentiment",
                NEGATIVE,
                round(negative, 2),
                "pressure",
                f"{count} negative mention{'s' if count != 1 else ''} in the last 21 days.",
            )
        )
    return found


def _count(baseline: Baseline, kinds: frozenset[str], now: int) -> int:
    return sum(1 for t in baseline.touches if t.kind in kinds and 0 <= now - t.at <= 21 * DAY)


def _date(at: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(at, UTC).date().isoformat()


def next_check(baseline: Baseline, now: int, calibration: Calibration, tolerance: float = 1.0) -> int | None:
    """When the scan should look at this customer: now if a trigger holds, else the first moment a
    time-driven one (overdue, slowdown) can fire; ``None`` without orders or signals to watch.

    Pressures only decay and churn signals count from their arrival, so between signals only the
    open gap can make a trigger fire.
    """
    if assess(baseline, now, calibration, tolerance).findings:
        return now
    s = baseline.summary()
    if s.last_at is None:
        return None
    due = trip_wire(s, calibration, tolerance)
    if s.gaps >= MIN_GAPS:
        threshold = slowdown_threshold(s, tolerance)
        open_needed = (threshold - (1.0 - FAST) * s.gap_fast) / FAST
        due = min(due, max(open_needed, s.gap_fast))
    return max(now, s.last_at + math.ceil(due * DAY))
