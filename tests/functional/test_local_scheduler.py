"""One-shot EventBridge Scheduler schedules fire locally (moto stores them but never runs them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3

from infra.local.provision import ProvisionedStack
from infra.local.scheduler import OneShotScheduler
from infra.local.trace import Trace


def test_due_schedule_puts_its_event_on_the_bus_and_is_deleted(aws: boto3.Session, stack: ProvisionedStack) -> None:
    scheduler = aws.client("scheduler")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    group = stack.attr("SlaScheduleGroup")
    for name, due in (("due", now - timedelta(seconds=1)), ("later", now + timedelta(hours=1))):
        scheduler.create_schedule(
            Name=name,
            GroupName=group,
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
    runner = OneShotScheduler(
        scheduler, aws.client("events"), aws.client("sqs"), [group], Trace(stream=None), clock=lambda: now
    )
    assert runner.fire_due() == 1
    assert runner.fire_due() == 0
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    assert names == ["later"]
    sqs = aws.client("sqs")
    bodies = sqs.receive_message(QueueUrl=stack.queues["CasesQueue"]).get("Messages", [])
    assert [json.loads(b["Body"])["detail"]["meta"]["correlation_id"] for b in bodies] == ["due"]
