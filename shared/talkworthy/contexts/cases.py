"""The cases context: SLA timers and escalation.

``Case.Opened`` starts the case's one-shot SLA schedule; a claim or dismiss of the case
(``Action.Taken``) or ``Ticket.Closed`` cancels it; ``Sla.Breached`` asks the escalation channel
to act. Idempotent under redelivery: a timer is created under a name derived from the case
(a second create is refused by Scheduler), cancelling a missing timer is a no-op, and the
escalation request's event key is derived from the breach's, so notify sends it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import ActionTaken, CaseOpened, Detail, SlaBreached, TicketClosed
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import CasesSettings
from talkworthy.usecases.sla import STOPPING_ACTIONS, escalation_for, start_sla_timer, stop_sla_timer

if TYPE_CHECKING:
    from talkworthy.scheduling import SlaScheduler

__all__ = ["HANDLERS", "CasesPorts"]


class CasesPorts:
    def __init__(self, config: CasesSettings) -> None:
        self.config = config

    @cached_property
    def scheduler(self) -> SlaScheduler:
        return c.sla_scheduler(self.config)


def start_timer(event: CaseOpened, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    start_sla_timer(event, ports.scheduler)
    return []


def stop_timer(event: ActionTaken | TicketClosed, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    stop_sla_timer(event, ports.scheduler)
    return []


def escalate(breach: SlaBreached, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return [escalation_for(breach, ports.config.escalation_channel)]


HANDLERS = HandlerMap[CasesPorts](
    on(CaseOpened, start_timer),
    on(TicketClosed, stop_timer),
    on(ActionTaken, stop_timer, where={"action": sorted(STOPPING_ACTIONS), "target": {"kind": ["case"]}}),
    on(SlaBreached, escalate),
)
