"""One-shot EventBridge Scheduler schedules fire locally (moto stores them but never runs them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local import scheduler as scheduler_module
from infra.local.provision import ProvisionedStack
from infra.local.scheduler import OneShotScheduler
from infra.local.trace import Trace


def _create(scheduler: Any, stack: ProvisionedStack, name: str, due: datetime) -> None:
    scheduler.create_schedule(
        Name=name,
        GroupName=stack.attr("SlaScheduleGroup"),
        ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": stack.attr("Bus", "Arn"),
            "RoleArn": stack.attr("SlaSchedulerRole", "Arn"),
            "Input": json.dumps({"meta": {"correlation_id": name}}),
            "EventBridgeParameters": {"DetailType": "Sla.Breached", "Source": "talkworthy.sla"},
        },
    )


def _fired(aws: boto3.Session, stack: ProvisionedStack) -> list[str]:
    bodies = aws.client("sqs").receive_message(QueueUrl=stack.queues["CasesQueue"], MaxNumberOfMessages=10)
    return sorted(json.loads(b["Body"])["detail"]["meta"]["correlation_id"] for b in bodies.get("Messages", []))


def test_due_schedule_puts_its_event_on_the_bus_and_is_deleted(aws: boto3.Session, stack: ProvisionedStack) -> None:
    scheduler = aws.client("scheduler")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    group = stack.attr("SlaScheduleGroup")
    for name, due in (("due", now - timedelta(seconds=1)), ("later", now + timedelta(hours=1))):
        _create(scheduler, stack, name, due)
    runner = OneShotScheduler(
        scheduler, aws.client("events"), aws.client("sqs"), [group], Trace(stream=None), clock=lambda: now
    )
    assert runner.fire_due() == 1
    assert runner.fire_due() == 0
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    assert names == ["later"]
    assert _fired(aws, stack) == ["due"]


def test_with_many_pending_it_lists_less_often_and_reads_a_due_schedule_again_before_firing_it(
    aws: boto3.Session, stack: ProvisionedStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler_module, "SCHEDULES_PER_LISTING_SECOND", 1)  # 3 pending: listed every 3 s
    scheduler = aws.client("scheduler")
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    clock = [start]
    group = stack.attr("SlaScheduleGroup")
    for name in ("closed-in-time", "breached", "later"):
        _create(scheduler, stack, name, start + timedelta(seconds=2 if name != "later" else 3600))
    runner = OneShotScheduler(
        scheduler, aws.client("events"), aws.client("sqs"), [group], Trace(stream=None), clock=lambda: clock[0]
    )
    assert runner.fire_due() == 0
    assert runner.listing_seconds() == 3.0
    scheduler.delete_schedule(Name="closed-in-time", GroupName=group)  # its case was solved in time
    _create(scheduler, stack, "new", start)  # due at once, but not listed yet

    clock[0] = start + timedelta(seconds=2)
    assert runner.fire_due() == 1  # the deleted one is read again, found gone, and dropped
    assert _fired(aws, stack) == ["breached"]

    clock[0] = start + timedelta(seconds=3)
    assert runner.fire_due() == 1  # listed again: the new one, within AWS's own minute
    assert _fired(aws, stack) == ["new"]
    assert runner.listing_seconds() == 1.0
