"""Case.Opened starts an SLA timer; a claim/dismiss (Action.Taken) or Ticket.Closed cancels it."""

from __future__ import annotations

from talkworthy import composition as c
from talkworthy.catalog import ActionTaken, CaseOpened, TicketClosed
from talkworthy.consumer import Delivery, sqs_consumer
from talkworthy.settings import SlaSettings
from talkworthy.usecases.sla import start_sla_timer, stop_sla_timer


def handle(event: CaseOpened | ActionTaken | TicketClosed, delivery: Delivery) -> None:
    config = c.settings(SlaSettings)
    scheduler = c.sla_scheduler(
        config.sla_schedule_group, config.event_bus_arn, config.sla_scheduler_role_arn, config.sla_dlq_arn
    )
    if isinstance(event, CaseOpened):
        start_sla_timer(event, scheduler)
    else:
        stop_sla_timer(event, scheduler)


lambda_handler = sqs_consumer((CaseOpened, ActionTaken, TicketClosed), "sla-timer", handle)
