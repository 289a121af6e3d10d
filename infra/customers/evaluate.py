"""Talkworthy's triggers against "no activity in 30 days", on the synthetic population's holdout.

Each customer's signals are replayed in time order through the real baseline
(:class:`~talkworthy.customers.baseline.Baseline`) and the real scheduling
(:func:`~talkworthy.usecases.baselines.schedule`): the hourly scan looks at a customer only when
their next check is due, exactly as the deployed scan does, and alerts once per episode.

The comparison, in the fair form: only repeat customers (2+ orders before the holdout) count, for
both. The 30-day rule alerts when a repeat customer's last order is 30 days old. At the same
alert budget: if Talkworthy flags more customers than the rule, only its highest-scoring ones
(how far past its threshold each reason is, summed, + 1 - P(alive)) are kept. A defector
counts as caught by an alert at or after 30 days before onset (social signals precede some
defections); lead time is the days from that alert to when the defection is visible to the
30-day rule (its first alert after onset; the holdout's end if it never fires there, so that
lead is a lower bound).

Over a 180-day holdout the rule eventually sees most slowdowns too (the generated slowdown stops
after eight ever longer gaps, and the last gap crosses 30 days), so recall over the whole holdout
says little about them. ``recall_within_30d_of_onset`` and ``..._60d_...`` count only defectors
caught at most 30 or 60 days after onset, while a retention touch can still change the outcome,
and ``median_lead_days_by_kind`` splits the lead by kind (spend decay's lead is a lower bound:
the rule rarely sees it at all).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from infra.customers.population import DEFECTIONS, Customer, PopulationParams
from talkworthy.customers.baseline import DAY, Baseline, Signal, short_key
from talkworthy.customers.calibration import Calibration
from talkworthy.customers.deviation import Finding, assess
from talkworthy.customers.record import CustomerRecord
from talkworthy.usecases.baselines import schedule

__all__ = ["Alerts", "evaluate", "hiatus_alerts", "talkworthy_alerts"]

EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z: day 0 of the population
HOUR = 3600
HIATUS_DAYS = 30
HORIZONS = (30, 60)  # days after onset: "caught while the customer can still be won back"


@dataclass
class Alerts:
    times: list[float] = field(default_factory=list)  # days
    score: float = 0.0
    checks: int = 0  # scan reads of this customer
    codes: set[str] = field(default_factory=set)


def _severity(finding: Finding) -> float:
    """How far past its threshold a finding is (1 = just there), capped at 3."""
    if finding.unit == "events":
        return 3.0
    low, high = sorted((finding.expected, finding.observed))
    return min(3.0, high / low) if low > 0 else 3.0


def _epoch(day: float) -> int:
    return EPOCH + int(day * DAY)


def _signals(customer: Customer) -> list[Signal]:
    out = [
        Signal(_epoch(d), short_key(f"{customer.customer_id}:o{i}"), "order", a)
        for i, (d, a) in enumerate(customer.orders)
    ]
    out += [
        Signal(_epoch(d), short_key(f"{customer.customer_id}:t{i}"), kind, None)  # type: ignore[arg-type]
        for i, (d, kind) in enumerate(customer.touches)
    ]
    return sorted(out)


def talkworthy_alerts(customer: Customer, calibration: Calibration, params: PopulationParams) -> Alerts:
    start, end = _epoch(params.calibration_days), _epoch(params.end_day)
    record = CustomerRecord(Baseline(customer.customer_id))
    alerts = Alerts()

    def scan_until(limit: int) -> None:
        while record.next_check is not None and record.next_check < limit:
            now = max(start, math.ceil(record.next_check / HOUR) * HOUR)
            if now >= limit:
                return
            alerts.checks += 1
            found = assess(record.baseline, now, calibration, record.tolerance)
            if found.findings and record.alerted_episode != record.episode:
                record.alerted_episode = record.episode
                alerts.times.append((now - EPOCH) / DAY)
                score = sum(_severity(f) for f in found.findings) + 1.0 - (found.p_alive or 0.0)
                alerts.score = max(alerts.score, score)
                alerts.codes |= {f.code for f in found.findings}
            following = schedule(record, now, calibration)
            record.next_check = None if following is None else max(following, now + HOUR)

    scheduled = False
    for signal in _signals(customer):
        if signal.at >= start and not scheduled:  # the calibration window only builds the baseline
            record.next_check, scheduled = schedule(record, start, calibration), True
        if scheduled:
            scan_until(signal.at)
        record.baseline.apply(signal)
        if scheduled:
            record.next_check = schedule(record, signal.at, calibration)
    if not scheduled:
        record.next_check = schedule(record, start, calibration)
    scan_until(end)
    return alerts


def hiatus_alerts(customer: Customer, params: PopulationParams, *, repeat_only: bool = True) -> Alerts:
    start, end = params.calibration_days, params.end_day
    days = [d for d, _ in customer.orders] + [math.inf]
    alerts = Alerts()
    for n, (last, following) in enumerate(pairwise(days), start=1):
        fire = last + HIATUS_DAYS
        if start <= fire < min(end, following) and (n >= 2 or not repeat_only):
            alerts.times.append(fire)
    alerts.score = 1.0
    return alerts


def _table(
    flagged: dict[str, Alerts], population: Iterable[Customer], params: PopulationParams, reference: dict[str, float]
) -> dict[str, Any]:
    caught: dict[str, list[float]] = {kind: [] for kind in DEFECTIONS}
    early = {h: dict.fromkeys(DEFECTIONS, 0) for h in HORIZONS}
    leads_by_kind: dict[str, list[float]] = {kind: [] for kind in DEFECTIONS}
    totals = dict.fromkeys(DEFECTIONS, 0)
    tp = fp = 0
    leads, after_onset = [], []
    for customer in population:
        alerts = flagged.get(customer.customer_id)
        if customer.defection:
            totals[customer.defection] += 1
        if alerts is None or not alerts.times:
            continue
        hit = next((t for t in alerts.times if customer.onset is not None and t >= customer.onset - 30), None)
        if customer.defection and hit is not None:
            tp += 1
            caught[customer.defection].append(hit)
            for h in HORIZONS:
                early[h][customer.defection] += hit <= (customer.onset or 0.0) + h
            leads_by_kind[customer.defection].append(reference[customer.customer_id] - hit)
            leads.append(reference[customer.customer_id] - hit)
            after_onset.append(hit - (customer.onset or 0.0))
        else:
            fp += 1
    flagged_count = tp + fp
    return {
        "flagged": flagged_count,
        "precision": round(tp / flagged_count, 3) if flagged_count else 0.0,
        "recall": {kind: round(len(caught[kind]) / totals[kind], 3) if totals[kind] else 0.0 for kind in DEFECTIONS},
        "recall_all": round(tp / max(sum(totals.values()), 1), 3),
        **{
            f"recall_within_{h}d_of_onset": {
                kind: round(early[h][kind] / totals[kind], 3) if totals[kind] else 0.0 for kind in DEFECTIONS
            }
            for h in HORIZONS
        },
        "median_lead_days": round(statistics.median(leads), 1) if leads else 0.0,
        "median_days_after_onset": round(statistics.median(after_onset), 1) if after_onset else 0.0,
        "median_lead_days_by_kind": {
            kind: round(statistics.median(values), 1) if values else 0.0 for kind, values in leads_by_kind.items()
        },
    }


def evaluate(population: list[Customer], calibration: Calibration, params: PopulationParams) -> dict[str, Any]:
    start = params.calibration_days
    repeat = [c for c in population if sum(1 for d, _ in c.orders if d < start) >= 2]
    rule = {c.customer_id: hiatus_alerts(c, params) for c in repeat}
    rule = {k: v for k, v in rule.items() if v.times}
    ours_all = {c.customer_id: talkworthy_alerts(c, calibration, params) for c in repeat}
    ours = {k: v for k, v in ours_all.items() if v.times}
    budget = len(rule)
    if len(ours) > budget:
        keep = sorted(ours, key=lambda k: (-ours[k].score, k))[:budget]
        ours = {k: ours[k] for k in keep}
    reference = {}
    for c in repeat:
        after = [t for t in rule.get(c.customer_id, Alerts()).times if c.onset is not None and t >= c.onset]
        reference[c.customer_id] = after[0] if after else float(params.end_day)
    unrestricted = sum(1 for c in population if hiatus_alerts(c, params, repeat_only=False).times)
    checks = sum(a.checks for a in ours_all.values())
    return {
        "customers": len(population),
        "repeat_customers": len(repeat),
        "defectors": sum(1 for c in repeat if c.defection),
        "alert_budget": budget,
        "talkworthy": _table(ours, repeat, params, reference),
        "no_activity_30d": _table(rule, repeat, params, reference),
        "no_activity_30d_unrestricted_flagged": unrestricted,
        "talkworthy_flagged_before_budget": len(ours_all) and sum(1 for a in ours_all.values() if a.times),
        "scan_checks_per_repeat_customer": round(checks / max(len(repeat), 1), 2),
    }
