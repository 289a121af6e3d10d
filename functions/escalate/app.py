"""Sla.Breached → an escalation request to the escalation channel."""

from __future__ import annotations

from talkworthy import composition as c
from talkworthy.catalog import SlaBreached
from talkworthy.consumer import Delivery, sqs_consumer
from talkworthy.settings import EscalateSettings
from talkworthy.usecases.sla import escalation_for


def handle(breach: SlaBreached, delivery: Delivery) -> None:
    config = c.settings(EscalateSettings)
    c.publisher(config.event_bus_name).publish([escalation_for(breach, config.escalation_channel)])


lambda_handler = sqs_consumer(SlaBreached, "escalate", handle)
