"""SLA timers: started when a case opens, cancelled when it is closed (or claimed: see act), escalated on breach."""

from __future__ import annotations

from talkworthy.catalog import (
    ActionRequested,
    CaseOpened,
    SlaBreached,
    Target,
    TicketClosed,
)
from talkworthy.scheduling import SlaScheduler, timer_name

__all__ = ["escalation_for", "start_sla_timer", "stop_sla_timer"]


def start_sla_timer(opened: CaseOpened, scheduler: SlaScheduler) -> bool:
    if opened.sla_due is None:
        return False
    breach = SlaBreached(
        meta=opened.meta.derive("talkworthy.sla", "breached", occurred_at=opened.sla_due),
        case=opened.case,
        rule=opened.rule,
        due=opened.sla_due,
        elapsed_seconds=max(0, int((opened.sla_due - opened.meta.occurred_at).total_seconds())),
    )
    return scheduler.start(timer_name(opened.case), opened.sla_due, breach)


def stop_sla_timer(event: TicketClosed, scheduler: SlaScheduler) -> bool:
    """A closed ticket needs no response any more. (A claim or dismiss stops it in ``usecases/act.py``.)"""
    return scheduler.cancel(timer_name(event.ticket))


def escalation_for(breach: SlaBreached, channel: str) -> ActionRequested:
    minutes = breach.elapsed_seconds // 60
    return ActionRequested(
        meta=breach.meta.derive("talkworthy.escalate", "escalation"),
        channel="slack",
        audience=channel,
        headline=f"SLA breached: case {breach.case.record_id} unclaimed after {minutes} min",
        body=f"Rule {breach.rule} promised a response by {breach.due:%Y-%m-%d %H:%M} UTC. Nobody has claimed it.",
        facts={
            "Case": f"{breach.case.system}/{breach.case.record_id}",
            "Rule": breach.rule,
            "Due": breach.due.isoformat(),
        },
        target=Target(kind="case", id=breach.case.record_id, system=breach.case.system),
        actions=["claim", "escalate"],
        link=breach.case.url,
        placement="copy",  # the case's own message stays the one its thread and later updates use
    )
