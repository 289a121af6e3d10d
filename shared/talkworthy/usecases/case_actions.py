"""The case file's buttons: Bring in, Add next step, Done (a step), Change goal, Resolve.

Answered like every click (``usecases/acting.py``): the people directory first, then the work,
then ``Action.Completed`` for notify to update the message clicked. Bring in, Add next step and
Change goal first open their form (``notify/case_forms.py``, ``views.open`` within Slack's 3 s);
the submitted form comes back as the same action with its argument.

Idempotent under redelivery: each change is keyed by the click (``CaseFile.knows``); a redelivered
click changes nothing and returns the same events (keys derived from the click's), a step's timer
is created once under a name per step, and Resolve publishes ``Ticket.Closed`` for the first click
only (a later click is told it was resolved already).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from talkworthy.actions import done_note
from talkworthy.cases import thread
from talkworthy.cases.file import CaseFile, Decision, Participant, Step
from talkworthy.cases.store import CaseFileStore, change
from talkworthy.catalog import ActionTaken, Detail, RecordRef, TicketClosed
from talkworthy.catalog.case_file import StepDue
from talkworthy.crm.port import CrmPort, SolvesCases
from talkworthy.errors import InvalidInputError, PermanentError, RetryableError
from talkworthy.notify import case_forms
from talkworthy.notify.slack import ChatPort
from talkworthy.people import Directory, NotAllowed, Person
from talkworthy.scheduling import SlaScheduler, step_timer_name
from talkworthy.usecases.acting import Outcome, completed, refusal

__all__ = ["CASE_FILE_ACTIONS", "CaseActionPorts", "act_on_case_file"]

PRODUCER = thread.PRODUCER
CASE_FILE_ACTIONS = frozenset({"bring_in", "add_step", "step_done", "set_goal", "resolve"})


class CaseActionPorts(Protocol):
    @property
    def case_files(self) -> CaseFileStore: ...
    @property
    def people(self) -> Directory: ...
    @property
    def views(self) -> ChatPort: ...
    @property
    def scheduler(self) -> SlaScheduler: ...
    @property
    def crm(self) -> CrmPort: ...
    @property
    def slack_workspace_url(self) -> str: ...


_Result = tuple[Outcome, str, list[Detail]]  # outcome, note, events
_Perform = Callable[[ActionTaken, Person, CaseFile, CaseActionPorts, datetime], "_Result | None"]


def act_on_case_file(taken: ActionTaken, ports: CaseActionPorts, now: datetime) -> list[Detail]:
    verdict = ports.people.authorise(taken.actor, taken.action, taken.target)
    if isinstance(verdict, NotAllowed):
        return [refusal(taken, verdict, at=now, producer=PRODUCER)]
    case = RecordRef(system=taken.target.system or "", record_id=taken.target.id)
    file = ports.case_files.get(case)
    if file is None:
        result: _Result | None = ("vetoed", "This case has no case file (it opened before they existed)", [])
    else:
        result = _PERFORM[taken.action](taken, verdict, file, ports, now)
    if result is None:
        return []  # a form was opened; its submission comes back as the action with its argument
    outcome, note, events = result
    return [completed(taken, outcome, note, at=now, producer=PRODUCER), *events]


def _open(taken: ActionTaken, ports: CaseActionPorts, view: dict[str, object]) -> _Result | None:
    if not taken.trigger_id:
        return "vetoed", "This opens a form in Slack: use the button there", []
    try:
        ports.views.open_view(taken.trigger_id, view)
    except PermanentError as err:  # expired_trigger_id: the 3 s were over
        return "vetoed", f"The form could not open in time ({err}); click again", []
    return None


def _save(ports: CaseActionPorts, file: CaseFile, key: str, apply: Callable[[CaseFile], CaseFile]) -> CaseFile:
    saved = change(ports.case_files, file.case, lambda current: None if current.knows(key) else apply(current))
    if saved is None:  # read a moment ago, and files are never deleted: the table is not answering straight
        raise RetryableError(f"case file {file.case.record_id} vanished while it was changed")
    return saved


def _link(ports: CaseActionPorts, ref: str | None) -> str | None:
    if not ref:
        return None
    channel, _, ts = ref.partition(":")
    return f"{ports.slack_workspace_url.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"


def _bring_in(
    taken: ActionTaken, person: Person, file: CaseFile, ports: CaseActionPorts, now: datetime
) -> _Result | None:
    directory = ports.people
    if taken.argument is None:
        others = [p for p in directory.people if p.slack and p.slack != person.slack]
        view = case_forms.bring_in_view(
            taken.target, others, directory.teams, message_ref=taken.message_ref, response_url=taken.response_url
        )
        return _open(taken, ports, view)
    kind, _, who = taken.argument.partition(":")
    if kind == "person":
        found = next((p for p in directory.people if p.slack == who), None)
        name = found.name if found else None
    elif kind == "team":
        team = next((t for t in directory.teams if t.channel == who), None)
        name = team.name if team else None
    else:
        name = None
    if name is None:
        raise InvalidInputError(f"bring_in needs a person or team from the people directory, got {taken.argument!r}")
    key = taken.meta.event_key
    joined = Participant(
        kind="person" if kind == "person" else "team", name=name, slack=who, added_by=person.name, at=now, key=key
    )
    saved = _save(ports, file, key, lambda f: f.model_copy(update={"participants": [*f.participants, joined]}))
    recorded = next(p for p in saved.participants if p.key == key)
    link = _link(ports, taken.message_ref)
    events: list[Detail] = [
        thread.context_copy(saved, taken.meta.derive(PRODUCER, "context"), recorded, link),
        thread.joined(saved, taken.meta.derive(PRODUCER, "thread:joined"), recorded),
    ]
    return "done", f"{person.name} brought in {name}", events


def _step_id(key: str) -> str:
    return "s-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _add_step(
    taken: ActionTaken, person: Person, file: CaseFile, ports: CaseActionPorts, now: datetime
) -> _Result | None:
    directory = ports.people
    if taken.argument is None:
        people = [p for p in directory.people if p.slack]
        default_due = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        view = case_forms.add_step_view(
            taken.target, people, default_due, message_ref=taken.message_ref, response_url=taken.response_url
        )
        return _open(taken, ports, view)
    text, assignee_id, due = case_forms.read_step(taken.argument)
    assignee = next((p for p in directory.people if p.slack == assignee_id), None)
    if assignee is None or not text:
        raise InvalidInputError(f"a next step needs a text and a person from the people directory: {taken.argument!r}")
    key = taken.meta.event_key
    if due <= now and not file.knows(key):
        return "vetoed", f"Not added: the due time {due:%Y-%m-%d %H:%M} UTC is already past", []
    step = Step(
        step_id=_step_id(key),
        text=text,
        assignee=assignee.name,
        assignee_slack=assignee.slack,
        due=due,
        added_by=person.name,
        at=now,
        key=key,
    )
    saved = _save(ports, file, key, lambda f: f.model_copy(update={"steps": [*f.steps, step]}))
    stored = next(s for s in saved.steps if s.key == key)
    timer = StepDue(
        meta=taken.meta.derive(PRODUCER, "step-due", occurred_at=stored.due),
        case=saved.case,
        step_id=stored.step_id,
        due=stored.due,
    )
    ports.scheduler.start(step_timer_name(saved.case, stored.step_id), stored.due, timer)  # False on a redelivery
    events: list[Detail] = [thread.step_message(saved, taken.meta.derive(PRODUCER, "thread:step"), stored)]
    note = (
        f"{done_note('add_step', person.name)}: {stored.text} ({stored.assignee}, due {stored.due:%Y-%m-%d %H:%M} UTC)"
    )
    return "done", note, events


def _step_done(taken: ActionTaken, person: Person, file: CaseFile, ports: CaseActionPorts, now: datetime) -> _Result:
    step = file.step(taken.target.related or "")
    if step is None:
        raise InvalidInputError(f"case {file.case.record_id} has no step {taken.target.related!r}")
    key, step_id = taken.meta.event_key, step.step_id
    if step.done_at is None:

        def apply(f: CaseFile) -> CaseFile:
            steps = [
                s.model_copy(update={"done_by": person.name, "done_at": now, "done_key": key})
                if s.step_id == step_id and s.done_at is None
                else s
                for s in f.steps
            ]
            return f.model_copy(update={"steps": steps})

        file = _save(ports, file, key, apply)
        step = file.step(step_id) or step
    ports.scheduler.cancel(step_timer_name(file.case, step.step_id))  # no nudge for a step done (harmless twice)
    return "done", f"Done by {step.done_by or person.name}: {step.text}", []


def _set_goal(
    taken: ActionTaken, person: Person, file: CaseFile, ports: CaseActionPorts, now: datetime
) -> _Result | None:
    if taken.argument is None:
        view = case_forms.set_goal_view(
            taken.target, file.goal, message_ref=taken.message_ref, response_url=taken.response_url
        )
        return _open(taken, ports, view)
    goal = taken.argument.strip()[: case_forms.MAX_STEP_TEXT]
    key = taken.meta.event_key
    text = f'Goal changed to "{goal}"'
    decision = Decision(text=text, by=person.name, at=now, key=key)
    saved = _save(
        ports,
        file,
        key,
        lambda f: f.model_copy(update={"goal": goal, "goal_from": person.name, "decisions": [*f.decisions, decision]}),
    )
    events: list[Detail] = [
        thread.noted(saved, taken.meta.derive(PRODUCER, "thread:goal"), f"Decision by {person.name}: {text}")
    ]
    return "done", f"{text} by {person.name}", events


def _resolve(taken: ActionTaken, person: Person, file: CaseFile, ports: CaseActionPorts, now: datetime) -> _Result:
    if file.case.system != thread.BUILT_IN_CRM or not isinstance(ports.crm, SolvesCases):
        return "vetoed", f"Not resolved: solve it in {file.case.system}; Talkworthy hears of it from there", []
    key = taken.meta.event_key
    earlier = _resolution(file)
    if earlier is not None and earlier.key != key:
        return "vetoed", f"Already resolved by {earlier.by} at {earlier.at:%H:%M} UTC", []
    if file.solved_at is not None and earlier is None:
        return "vetoed", f"Already solved in {file.solved_by or 'the CRM'}", []
    resolution = f"Resolved by {person.name} from Slack"
    decision = Decision(text=resolution, by=person.name, at=now, key=key)

    def apply(f: CaseFile) -> CaseFile | None:
        if f.knows(key) or _resolution(f) is not None:
            return None  # a redelivery, or another click won the race
        return f.model_copy(update={"decisions": [*f.decisions, decision]})

    saved = change(ports.case_files, file.case, apply) or file
    mine = _resolution(saved)
    if mine is None or mine.key != key:
        return "vetoed", "Already resolved by someone else a moment ago", []
    ports.crm.solve_case(file.case.record_id, mine.text)
    at = mine.at
    closed = TicketClosed(
        meta=taken.meta.derive(PRODUCER, "ticket-closed", occurred_at=at),
        ticket=RecordRef(system=thread.BUILT_IN_CRM, record_id=file.case.record_id, url=file.case.url),
        subject=file.subject[:300] or None,
        status="solved",
        resolution=mine.text,
        closed_at=at,
    )
    return "done", f"{done_note('resolve', person.name)}: solved in the built-in CRM", [closed]


def _resolution(file: CaseFile) -> Decision | None:
    return next((d for d in file.decisions if d.text.startswith("Resolved by ")), None)


_PERFORM: dict[str, _Perform] = {
    "bring_in": _bring_in,
    "add_step": _add_step,
    "step_done": _step_done,
    "set_goal": _set_goal,
    "resolve": _resolve,
}
