"""The case file's life: opened with its goal, the owner noted, the ticket solved, the customer told, the end.

- ``Case.Opened``: the file is created once (conditional create keyed by the case) with the goal
  from the routing rule (or :data:`DEFAULT_GOAL`), the rule's channel and the SLA as deadline, and
  the thread's first reply is posted under the case's message.
- A claim (``usecases/act.py``) makes the claimer the owner: a decision on the file and in the thread.
- ``Ticket.Closed`` and ``Loop.Closed`` are the goal's two halves, in either order; the second
  marks the goal met, says so in the thread and on the case's message. ``Loop.Closed`` also counts
  as the ticket solved (it follows a closure), so a closure reported by another system still ends it.
- ``Step.Due`` nudges the assignee of a step that is not done.

Idempotent under redelivery: each change names the event that made it (``CaseFile.knows``); a
redelivered event changes nothing and rebuilds the same events (the same keys), which notify sends once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from talkworthy.cases import thread
from talkworthy.cases.file import DEFAULT_GOAL, CaseFile, Decision, LoopOutcome
from talkworthy.cases.store import CaseFileStore, change
from talkworthy.catalog import ActionTaken, CaseOpened, Detail, EventMeta, LoopClosed, RecordRef, TicketClosed
from talkworthy.catalog.case_file import StepDue
from talkworthy.people import Directory
from talkworthy.routing import RulesSource

__all__ = ["CaseFilePorts", "loop_closed", "note_claim", "open_file", "step_due", "ticket_closed"]

PRODUCER = thread.PRODUCER
_SOLVERS = {"dynamodb": "the built-in CRM"}


class CaseFilePorts(Protocol):
    @property
    def case_files(self) -> CaseFileStore: ...
    @property
    def rules(self) -> RulesSource: ...
    @property
    def people(self) -> Directory: ...


def open_file(opened: CaseOpened, ports: CaseFilePorts) -> list[Detail]:
    rules = ports.rules.current()
    rule = next((r for r in rules.rules if r.name == opened.rule), None)
    file = CaseFile(
        case=RecordRef(system=opened.case.system, record_id=opened.case.record_id, url=opened.case.url),
        goal=(rule.goal if rule and rule.goal else DEFAULT_GOAL),
        goal_from=f"rule {opened.rule}" if rule and rule.goal else "the default goal",
        channel=rule.notify.channel if rule and rule.notify else None,
        priority=opened.priority,
        subject=opened.subject,
        deadline=opened.sla_due,
        opened_key=opened.meta.event_key,
    )
    stored = file if ports.case_files.create(file) else ports.case_files.get(file.case)  # created: not read back
    if stored is None or stored.opened_key != opened.meta.event_key:
        return []  # another Case.Opened for this case made the file
    return [thread.file_message(stored, opened.meta.derive(PRODUCER, "case-file"))]


def note_claim(taken: ActionTaken, ports: CaseFilePorts, now: datetime) -> list[Detail]:
    """After a claim was done: the owner on the file, the decision in the thread."""
    person = ports.people.find(taken.actor)
    if person is None or not taken.target.system:
        return []
    case = RecordRef(system=taken.target.system, record_id=taken.target.id)
    key = taken.meta.event_key
    text = f"{person.name} took ownership"

    def apply(file: CaseFile) -> CaseFile | None:
        if file.knows(key):
            return None
        decision = Decision(text=text, by=person.name, at=now, key=key)
        return file.model_copy(
            update={"owner": person.name, "owner_slack": person.slack, "decisions": [*file.decisions, decision]}
        )

    file = change(ports.case_files, case, apply)
    if file is None:
        return []
    return [thread.noted(file, taken.meta.derive(PRODUCER, "thread:owner"), f"Decision: {text}")]


def ticket_closed(closed: TicketClosed, ports: CaseFilePorts) -> list[Detail]:
    key = closed.meta.event_key
    solver = _SOLVERS.get(closed.ticket.system, closed.ticket.system)
    file = _solve(ports, closed.ticket, closed.closed_at, solver, key)
    if file is None or file.solved_key != key:
        return []  # no file for this record, or solved before (another report of the same closure)
    how = f": {closed.resolution}" if closed.resolution else ""
    events: list[Detail] = [
        thread.noted(file, closed.meta.derive(PRODUCER, "thread:solved"), f"Ticket solved in {solver}{how}")
    ]
    return events + _if_goal_met(file, key, closed.meta.derive(PRODUCER, "case"))


def loop_closed(loop: LoopClosed, ports: CaseFilePorts) -> list[Detail]:
    key = loop.meta.event_key
    outcome = LoopOutcome(
        told=loop.told,
        channel=loop.channel,
        reply_url=loop.reply_url,
        suppressed=loop.suppressed,
        at=loop.closed_at,
        key=key,
    )
    solver = loop.ticket.system if loop.ticket else loop.case.system

    def apply(file: CaseFile) -> CaseFile | None:
        if file.loop is not None:
            return None  # told once per case; a redelivery (or a second report) changes nothing
        solved = {} if file.solved_at else {"solved_at": loop.closed_at, "solved_by": solver, "solved_key": key}
        return _met(file.model_copy(update={"loop": outcome, **solved}), key)

    file = change(ports.case_files, loop.case, apply)
    if file is None or file.loop is None or file.loop.key != key:
        return []
    events: list[Detail] = [thread.loop_message(file, loop.meta.derive(PRODUCER, "thread:loop"), file.loop)]
    return events + _if_goal_met(file, key, loop.meta.derive(PRODUCER, "case"))


def step_due(due: StepDue, ports: CaseFilePorts) -> list[Detail]:
    file = ports.case_files.get(due.case)
    step = file.step(due.step_id) if file else None
    if file is None or step is None or step.done_at is not None or file.state == "goal_met":
        return []  # done in time (its timer was cancelled too late), or the case is over
    return list(thread.step_reminder(file, due.meta.derive(PRODUCER, "thread:reminder"), step))


def _solve(ports: CaseFilePorts, case: RecordRef, at: datetime, solver: str, key: str) -> CaseFile | None:
    """The ticket solved on the file, once (the first report wins); the goal met if the customer was told."""

    def apply(file: CaseFile) -> CaseFile | None:
        if file.solved_at is not None:
            return None
        return _met(file.model_copy(update={"solved_at": at, "solved_by": solver, "solved_key": key}), key)

    return change(ports.case_files, RecordRef(system=case.system, record_id=case.record_id), apply)


def _met(file: CaseFile, key: str) -> CaseFile:
    """``file`` with its goal marked met by ``key`` if both halves are in and it was still open."""
    if file.state == "open" and file.goal_met:
        return file.model_copy(
            update={"state": "goal_met", "goal_met_at": file.loop.at if file.loop else None, "goal_met_key": key}
        )
    return file


def _if_goal_met(file: CaseFile, key: str, meta: EventMeta) -> list[Detail]:
    """The goal-met messages, when the event ``key`` is the one that completed the goal."""
    return list(thread.goal_met_messages(file, meta)) if file.goal_met_key == key else []
