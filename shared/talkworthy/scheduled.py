"""How every scheduled function runs (pollers, scans): settings, ports, logs, metrics and summary in one place.

``lambda_handler = ScheduledTask("poll-feeds", PollSettings, PollPorts, run)``: ``run`` gets the
ports and the :class:`ScheduledRun` and returns a :class:`RunReport`; every count in it becomes a
metric, the report is logged once and returned. A run that raises is counted (``RunsFailed``)
and re-raised, so EventBridge retries it and then parks it in the schedule's DLQ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from talkworthy.catalog.base import utc_now
from talkworthy.observability import Observability
from talkworthy.settings import Settings

__all__ = ["RunReport", "ScheduledRun", "ScheduledTask"]

S = TypeVar("S", bound=Settings)
P = TypeVar("P")


@dataclass(frozen=True)
class ScheduledRun:
    run_id: str  # the scheduled event's id: stable across EventBridge's retries of one run
    scheduled_at: str | None
    now: datetime


@dataclass(frozen=True)
class RunReport:
    counts: Mapping[str, int] = field(default_factory=dict)  # metric name -> value
    details: Mapping[str, str] = field(default_factory=dict)  # e.g. feed id -> "3 new, 12 seen"


class ScheduledTask(Generic[S, P]):
    def __init__(
        self, service: str, settings: type[S], ports: Callable[[S], P], run: Callable[[P, ScheduledRun], RunReport]
    ) -> None:
        self.service = service
        self.settings_model = settings
        self._ports_factory = ports
        self._run = run
        self._ports: P | None = None
        self.observability = Observability(service)
        self._handler = self.observability.wrap(self._handle)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        return self._handler(event, context)

    def _handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if self._ports is None:
            self._ports = self._ports_factory(self.settings_model.load())
        run = ScheduledRun(
            run_id=str(event.get("id") or getattr(context, "aws_request_id", "")),
            scheduled_at=event.get("time"),
            now=utc_now(),
        )
        logger, metrics = self.observability.logger, self.observability.metrics
        try:
            report = self._run(self._ports, run)
        except Exception:
            metrics.add_metric(name="RunsFailed", unit="Count", value=1)
            logger.exception("scheduled run failed", extra={"run_id": run.run_id})
            raise
        for name, value in report.counts.items():
            metrics.add_metric(name=name, unit="Count", value=value)
        logger.info("scheduled run", extra={"run_id": run.run_id, **report.counts, "details": dict(report.details)})
        return {"run_id": run.run_id, "counts": dict(report.counts), "details": dict(report.details)}
