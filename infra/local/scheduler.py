"""Fires EventBridge Scheduler one-shot ``at(...)`` schedules, which moto stores but never runs."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from infra.local.trace import Trace

__all__ = ["OneShotScheduler"]

MAX_LISTING_SECONDS = 10.0
SCHEDULES_PER_LISTING_SECOND = 200  # one more second between listings per this many pending schedules
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
        self._listed_at: datetime | None = None

    def _due_at(self, schedule: dict[str, Any]) -> datetime | None:
        match = _AT.match(schedule["ScheduleExpression"])
        if not match:
            return None
        zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
        return datetime.fromisoformat(match.group(1)).replace(tzinfo=zone)

    def listing_seconds(self) -> float:
        """Seconds between two full listings: one while few schedules are pending, up to
        :data:`MAX_LISTING_SECONDS` with thousands (a listing reads every schedule: 110 ms of the
        embedded AWS's CPU with 1,700 SLA timers, every second, was a cost that grew with history).
        AWS itself invokes a schedule within 60 seconds of its time."""
        return min(MAX_LISTING_SECONDS, max(1.0, len(self._index) / SCHEDULES_PER_LISTING_SECOND))

    def fire_due(self) -> int:
        """Fire what is due. The schedules are listed at most every :meth:`listing_seconds`; each is
        read once when it appears (or changes) and indexed by its due time, and read again only to
        fire it: a schedule deleted or moved since the listing is then dropped or re-indexed."""
        now = self._clock()
        if self._listed_at is None or (now - self._listed_at).total_seconds() >= self.listing_seconds():
            self._list()
            self._listed_at = now
        fired = 0
        for (group, name), (modified, due) in sorted(self._index.items(), key=lambda entry: entry[1][1] or now):
            if due is None or due > now or (group, name) in self._fired:
                continue
            schedule = self._current(group, name)
            if schedule is None:  # deleted by its owner since the listing
                del self._index[(group, name)]
                continue
            if (current := self._due(schedule)) != due:  # moved (or disabled) since the listing
                self._index[(group, name)] = (schedule.get("LastModificationDate", modified), current)
                if current is None or current > now:
                    continue
            self._deliver(schedule["Target"])
            fired += 1
            self._trace.effect("schedule", f"fired {group}/{name} (due {due.isoformat()})")
            if schedule.get("ActionAfterCompletion") == "DELETE":
                self._scheduler.delete_schedule(Name=name, GroupName=group)
                del self._index[(group, name)]
            else:
                self._fired.add((group, name))
        return fired

    def _current(self, group: str, name: str) -> dict[str, Any] | None:
        try:
            schedule: dict[str, Any] = self._scheduler.get_schedule(Name=name, GroupName=group)
        except self._scheduler.exceptions.ResourceNotFoundException:
            return None
        return schedule

    def _list(self) -> None:
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
