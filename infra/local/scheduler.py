"""Fires EventBridge Scheduler one-shot ``at(...)`` schedules, which moto stores but never runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from infra.local.trace import Trace

__all__ = ["OneShotScheduler"]

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


class OneShotScheduler:
    def __init__(
        self,
        scheduler: Any,
        events: Any,
        sqs: Any,
        groups: list[str],
        trace: Trace,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._scheduler = scheduler
        self._events = events
        self._sqs = sqs
        self._groups = ["default", *groups]
        self._trace = trace
        self._clock = clock
        self._fired: set[tuple[str, str]] = set()
        self._index: dict[tuple[str, str], tuple[Any, datetime | None]] = {}  # (group, name) -> (modified, due)

    def _due_at(self, schedule: dict[str, Any]) -> datetime | None:
        match = _AT.match(schedule["ScheduleExpression"])
        if not match:
            return None
        zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
        return datetime.fromisoformat(match.group(1)).replace(tzinfo=zone)

    def fire_due(self) -> int:
        """Fire what is due. Each schedule is read once when it appears (or changes) and indexed by
        its due time; it is read again only to fire it, not on every call."""
        now = self._clock()
        for group in self._groups:
            pages = self._scheduler.get_paginator("list_schedules").paginate(GroupName=group)
            listed = {
                item["Name"]: item.get("LastModificationDate") for page in pages for item in page.get("Schedules", [])
            }
            for name in [n for (g, n) in self._index if g == group and n not in listed]:
                del self._index[(group, name)]  # deleted by its owner (a case closed in time)
            for name, modified in listed.items():
                known = self._index.get((group, name))
                if known is None or known[0] != modified:
                    self._index[(group, name)] = (
                        modified,
                        self._due(self._scheduler.get_schedule(Name=name, GroupName=group)),
                    )
        fired = 0
        for (group, name), (_, due) in sorted(self._index.items(), key=lambda entry: entry[1][1] or now):
            if due is None or due > now or (group, name) in self._fired:
                continue
            schedule = self._scheduler.get_schedule(Name=name, GroupName=group)
            self._deliver(schedule["Target"])
            fired += 1
            self._trace.effect("schedule", f"fired {group}/{name} (due {due.isoformat()})")
            if schedule.get("ActionAfterCompletion") == "DELETE":
                self._scheduler.delete_schedule(Name=name, GroupName=group)
                del self._index[(group, name)]
            else:
                self._fired.add((group, name))
        return fired

    def _due(self, schedule: dict[str, Any]) -> datetime | None:
        return None if schedule.get("State") == "DISABLED" else self._due_at(schedule)

    def _deliver(self, target: dict[str, Any]) -> None:
        arn: str = target["Arn"]
        payload = target.get("Input", "{}")
        if arn.startswith("arn:aws:events:") and ":event-bus/" in arn:
            params = target.get("EventBridgeParameters", {})
            result = self._events.put_events(
                Entries=[
                    {
                        "EventBusName": arn,
                        "Source": params["Source"],
                        "DetailType": params["DetailType"],
                        "Detail": payload,
                    }
                ]
            )
            if result.get("FailedEntryCount"):
                raise RuntimeError(f"schedule target rejected: {result['Entries']}")
        elif arn.startswith("arn:aws:sqs:"):
            name = arn.rsplit(":", 1)[-1]
            url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            self._sqs.send_message(QueueUrl=url, MessageBody=payload)
        else:
            raise ValueError(f"schedule target {arn} is not run locally")
