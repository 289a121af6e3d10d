"""SLA timers: started when a case opens, cancelled when it is claimed or closed, escalated on breach."""

from __future__ import annotations

from talkworthy.catalog import (
    ActionRequested,
    ActionTaken,
    CaseOpened,
    RecordRef,
    SlaBreached,
    Target,
    TicketClosed,
)
from talkworthy.scheduling import SlaScheduler, timer_name

__all__ = ["escalation_for", "start_sla_timer", "stop_sla_timer"]

STOPPING_ACTIONS = {"claim", "dismiss"}


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


def stop_sla_timer(event: ActionTaken | TicketClosed, scheduler: SlaScheduler) -> bool:
    if isinstance(event, ActionTaken):
        if event.target.kind != "case" or event.action not in STOPPING_ACTIONS or not event.target.system:
            return False
        case = RecordRef(system=event.target.system, record_id=event.target.id)
    else:
        case = event.ticket
    return scheduler.cancel(timer_name(case))


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
    )
