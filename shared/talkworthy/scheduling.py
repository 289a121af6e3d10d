"""One-shot timers as EventBridge Scheduler schedules that put an event on the bus when due.

SLA timers put ``Sla.Breached``; a solved case's survey puts ``Survey.Due``; a case's next steps
put ``Step.Due`` (:func:`step_timer_name`). Each is created under a name derived from its case (or
step), so a redelivered cause creates nothing new.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Protocol

from talkworthy.catalog import Detail, RecordRef
from talkworthy.errors import RetryableError

__all__ = [
    "EventBridgeSlaScheduler",
    "InMemorySlaScheduler",
    "SlaScheduler",
    "step_timer_name",
    "survey_timer_name",
    "timer_name",
]


def timer_name(case: RecordRef, kind: str = "sla") -> str:
    """A schedule name per case and kind (Scheduler allows 64 chars of [0-9A-Za-z_.-])."""
    digest = hashlib.sha256(f"{case.system}:{case.record_id}".encode()).hexdigest()[:40]
    return f"{kind}-{digest}"


def survey_timer_name(case: RecordRef) -> str:
    return timer_name(case, "survey")


def step_timer_name(case: RecordRef, step_id: str) -> str:
    """The timer of one next step on a case."""
    digest = hashlib.sha256(f"{case.system}:{case.record_id}:{step_id}".encode()).hexdigest()[:40]
    return f"step-{digest}"


class SlaScheduler(Protocol):
    def start(self, name: str, due: datetime, event: Detail) -> bool:
        """Create the timer putting ``event`` on the bus at ``due``; False when it exists (a redelivery)."""

    def cancel(self, name: str) -> bool:
        """Delete the timer; False when there was none (already fired, or never set)."""


class EventBridgeSlaScheduler:
    def __init__(self, client: Any, *, group: str, bus_arn: str, role_arn: str, dlq_arn: str) -> None:
        self._client = client
        self._group = group
        self._bus_arn = bus_arn
        self._role_arn = role_arn
        self._dlq_arn = dlq_arn

    def start(self, name: str, due: datetime, event: Detail) -> bool:
        errors = self._client.exceptions
        try:
            self._client.create_schedule(
                Name=name,
                GroupName=self._group,
                ScheduleExpression=f"at({due.strftime('%Y-%m-%dT%H:%M:%S')})",
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={
                    "Arn": self._bus_arn,
                    "RoleArn": self._role_arn,
                    "Input": event.model_dump_json(),
                    "EventBridgeParameters": {
                        "DetailType": event.DETAIL_TYPE,
                        "Source": event.meta.producer,
                    },
                    "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400},
                    "DeadLetterConfig": {"Arn": self._dlq_arn},
                },
            )
        except errors.ConflictException:
            return False
        except (errors.ThrottlingException, errors.InternalServerException) as err:
            raise RetryableError(f"scheduler unavailable: {err}") from err
        return True

    def cancel(self, name: str) -> bool:
        errors = self._client.exceptions
        try:
            self._client.delete_schedule(Name=name, GroupName=self._group)
        except errors.ResourceNotFoundException:
            return False
        except (errors.ThrottlingException, errors.InternalServerException) as err:
            raise RetryableError(f"scheduler unavailable: {err}") from err
        return True


class InMemorySlaScheduler:
    def __init__(self) -> None:
        self.timers: dict[str, tuple[datetime, Detail]] = {}

    def start(self, name: str, due: datetime, event: Detail) -> bool:
        if name in self.timers:
            return False
        self.timers[name] = (due, event)
        return True

    def cancel(self, name: str) -> bool:
        return self.timers.pop(name, None) is not None
