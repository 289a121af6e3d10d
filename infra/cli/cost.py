"""`talkworthy cost`: the modelled AWS bill of the traffic a stack carries now.

Bill = what came in (the mix: mentions, clicks, behaviour events, ideas, per window) times what one
of each costs. The unit costs are the cost model's (``infra/cost_model.py``), measured by
``make bench`` and kept in ``bench-results.json``: a mention by a first-time author (the dearer
visit), a click, a behaviour event, a new idea, each by AWS service. The counts:

- **local mesh**: the raw delivery archive over the window, each delivery adapted by its sender's
  adapter (as a replay would read it) and counted by the events it became;
- **deployed stack**: the ingress's ``Deliveries`` metric (accepted deliveries per sender) from
  CloudWatch; Slack deliveries are clicks, Canny's ideas, every other sender's mentions (behaviour
  events come through the same senders: give them with ``--mix behaviour=N``).

``--mix flow=N`` overrides a count (per window).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from infra.cli.target import Target

__all__ = ["FLOWS", "Bill", "as_dict", "bill", "counts_from_archive", "counts_from_metrics", "parse_mix", "unit_costs"]

# flow -> (bench-results.json section, key of its per-1M cost by service)
FLOWS = {
    "mentions": ("mention", "cost_per_1m_usd_first"),
    "clicks": ("actions", "cost_per_1m_actions_usd"),
    "behaviour": ("customers", "cost_per_1m_behaviour_events_usd"),
    "ideas": ("ideas", "cost_per_1m_usd"),
}
_FLOW_OF_DETAIL_TYPE = {
    "Mention.Received": "mentions",
    "Action.Taken": "clicks",
    "Behavior.Observed": "behaviour",
    "Idea.Submitted": "ideas",
}
_FLOW_OF_SENDER = {"slack": "clicks", "canny": "ideas"}  # in the metrics; any other sender: mentions


def unit_costs(results: Path) -> dict[str, dict[str, float]]:
    """USD per 1 M of each flow, by service, from ``make bench``'s results."""
    if not results.is_file():
        raise FileNotFoundError(f"{results} is missing: run `make bench` (it measures what each flow costs)")
    figures = json.loads(results.read_text())
    found = {}
    for flow, (section, key) in FLOWS.items():
        by_service = figures.get(section, {}).get(key)
        if not isinstance(by_service, dict):
            raise KeyError(f"{results} has no {section}.{key}: run `make bench` again")
        found[flow] = {service: float(usd) for service, usd in by_service.items()}
    return found


def counts_from_archive(target: Target, start: datetime, end: datetime) -> Counter[str]:
    from infra.cli.replay import plan_raw

    plan = plan_raw(target, start, end, name="cost", sources=set(), detail_types=set(_FLOW_OF_DETAIL_TYPE))
    found: Counter[str] = Counter()
    for (_sender, detail_type), count in plan.counts.items():
        found[_FLOW_OF_DETAIL_TYPE[detail_type]] += count
    return found


def counts_from_metrics(target: Target, start: datetime, end: datetime, namespace: str = "Talkworthy") -> Counter[str]:
    cloudwatch = target.client("cloudwatch")
    found: Counter[str] = Counter()
    pages = cloudwatch.get_paginator("list_metrics").paginate(Namespace=namespace, MetricName="Deliveries")
    for metric in (m for page in pages for m in page["Metrics"]):
        dims = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
        if not dims.get("outcome", "").startswith("accepted:"):
            continue
        stats = cloudwatch.get_metric_statistics(
            Namespace=namespace,
            MetricName="Deliveries",
            Dimensions=metric["Dimensions"],
            StartTime=start,
            EndTime=end,
            Period=max(60, int((end - start).total_seconds()) // 60 * 60),
            Statistics=["Sum"],
        )
        total = sum(point["Sum"] for point in stats["Datapoints"])
        found[_FLOW_OF_SENDER.get(dims.get("source", ""), "mentions")] += int(total)
    return found


@dataclass(frozen=True)
class Bill:
    days: float
    counts: dict[str, int]  # per window
    per_million: dict[str, float]  # flow -> USD per 1 M
    by_service: dict[str, float]  # service -> USD per 30 days

    def window_usd(self, flow: str) -> float:
        return self.counts.get(flow, 0) * self.per_million[flow] / 1e6

    def monthly_usd(self, flow: str) -> float:
        return self.window_usd(flow) * 30 / self.days

    @property
    def monthly_total(self) -> float:
        return sum(self.monthly_usd(flow) for flow in self.per_million)


def bill(counts: Counter[str] | dict[str, int], units: dict[str, dict[str, float]], days: float) -> Bill:
    by_service: dict[str, float] = {}
    for flow, services in units.items():
        for service, usd in services.items():
            by_service[service] = by_service.get(service, 0.0) + counts.get(flow, 0) * usd / 1e6 * 30 / days
    return Bill(
        days=days,
        counts={flow: int(counts.get(flow, 0)) for flow in units},
        per_million={flow: sum(services.values()) for flow, services in units.items()},
        by_service=by_service,
    )


def parse_mix(values: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for value in values:
        flow, _, number = value.partition("=")
        if flow not in FLOWS or not number.strip().isdigit():
            raise ValueError(f"--mix {value!r}: give flow=count, flow one of {', '.join(FLOWS)}")
        found[flow] = int(number)
    return found


def as_dict(result: Bill) -> dict[str, Any]:
    return {
        "days": result.days,
        "flows": {
            flow: {
                "count": result.counts[flow],
                "usd_per_1m": round(result.per_million[flow], 2),
                "usd_window": round(result.window_usd(flow), 4),
                "usd_per_30_days": round(result.monthly_usd(flow), 4),
            }
            for flow in result.per_million
        },
        "usd_per_30_days_by_service": {k: round(v, 4) for k, v in sorted(result.by_service.items())},
        "usd_per_30_days_total": round(result.monthly_total, 4),
    }
