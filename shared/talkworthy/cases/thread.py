"""What the case's Slack thread shows: the case file, each step, who joined, what was decided, the end.

Each builder returns an ``Action.Requested`` that notify posts as a reply under the case's message
(``placement="thread"``), sends elsewhere (``copy``: a DM or a team channel), or applies to the
case's message (``update``). Keys derive from the event that caused them, so a redelivery posts
nothing twice (notify sends once per key).
"""

from __future__ import annotations

from talkworthy.actions import CASE_FILE_ACTIONS
from talkworthy.cases.file import CaseFile, LoopOutcome, Participant, Step
from talkworthy.catalog import ActionRequested, EventMeta, Target
from talkworthy.catalog.actions import ActionName

__all__ = [
    "BUILT_IN_CRM",
    "PRODUCER",
    "case_target",
    "context_copy",
    "file_message",
    "goal_met_messages",
    "joined",
    "loop_message",
    "noted",
    "step_message",
    "step_reminder",
]

PRODUCER = "talkworthy.cases"
BUILT_IN_CRM = "dynamodb"


def case_target(file: CaseFile, step_id: str | None = None) -> Target:
    return Target(kind="case", id=file.case.record_id, system=file.case.system, related=step_id)


def _when(file: CaseFile) -> str:
    return f"{file.deadline:%Y-%m-%d %H:%M} UTC" if file.deadline else "none set"


def file_actions(file: CaseFile) -> list[ActionName]:
    offered: list[ActionName] = list(CASE_FILE_ACTIONS)
    if file.case.system == BUILT_IN_CRM and file.solved_at is None:
        offered.append("resolve")
    return offered


def file_message(file: CaseFile, meta: EventMeta) -> ActionRequested:
    """The thread's first reply: the goal, the deadline, and the buttons to work the case."""
    return ActionRequested(
        meta=meta,
        channel="slack",
        audience=file.channel or "#customer-care",
        headline=f"Case file · goal: {file.goal}"[:300],
        body="Bring people in and add next steps here; the case ends when the goal is met "
        "(the ticket solved and the customer told).",
        facts={"Deadline": _when(file), "Goal from": file.goal_from},
        target=case_target(file),
        actions=file_actions(file),
        placement="thread",
    )


def noted(file: CaseFile, meta: EventMeta, text: str) -> ActionRequested:
    """A line in the thread: a decision, the ticket solved."""
    return ActionRequested(
        meta=meta,
        channel="slack",
        audience=file.channel or "#customer-care",
        headline=text[:300],
        body="",
        target=case_target(file),
        actions=[],
        placement="thread",
    )


def joined(file: CaseFile, meta: EventMeta, who: Participant) -> ActionRequested:
    how = "sent the case by direct message" if who.kind == "person" else f"the case posted in {who.slack}"
    return noted(file, meta, f"{who.added_by} brought in {who.name} ({how})")


def context_copy(file: CaseFile, meta: EventMeta, who: Participant, link: str | None) -> ActionRequested:
    """What the person or team brought in receives: the case's context."""
    open_steps = [step for step in file.steps if step.done_at is None]
    facts = {
        "Goal": file.goal,
        "Owner": file.owner or "nobody yet",
        "Deadline": _when(file),
        "Priority": file.priority,
    }
    if open_steps:
        facts["Open steps"] = "; ".join(f"{step.text} ({step.assignee})" for step in open_steps)[:1900]
    return ActionRequested(
        meta=meta,
        channel="slack",
        audience=who.slack,
        headline=f"{who.added_by} brought you in on case {file.case.record_id}"[:300],
        body=file.subject[:3000],
        facts=facts,
        target=case_target(file),
        actions=[],
        link=link,
        placement="copy",
    )


def step_message(file: CaseFile, meta: EventMeta, step: Step) -> ActionRequested:
    return ActionRequested(
        meta=meta,
        channel="slack",
        audience=file.channel or "#customer-care",
        headline=f"Next step: {step.text}"[:300],
        body=f"{step.assignee}, this one is yours (added by {step.added_by}).",
        facts={"Assignee": step.assignee, "Due": f"{step.due:%Y-%m-%d %H:%M} UTC"},
        target=case_target(file, step.step_id),
        actions=["step_done"],
        placement="thread",
    )


def step_reminder(file: CaseFile, meta: EventMeta, step: Step) -> list[ActionRequested]:
    """The nudge: in the thread, and to the assignee directly (a direct message notifies them)."""
    text = f'Reminder: {step.assignee}, "{step.text}" was due {step.due:%Y-%m-%d %H:%M} UTC'
    in_thread = noted(file, meta, text)
    if not step.assignee_slack:
        return [in_thread]
    direct = in_thread.model_copy(
        update={
            "meta": meta.derive(PRODUCER, "direct"),
            "audience": step.assignee_slack,
            "placement": "copy",
            "headline": f"Your next step on case {file.case.record_id} is due: {step.text}"[:300],
            "body": f"Goal: {file.goal}",
            "target": case_target(file, step.step_id),
            "actions": ["step_done"],
        }
    )
    return [in_thread, direct]


def loop_message(file: CaseFile, meta: EventMeta, loop: LoopOutcome) -> ActionRequested:
    """Told or not: a suppression by the contact policy is shown, never silently dropped."""
    if loop.told:
        where = f" ({loop.reply_url})" if loop.reply_url else ""
        text = f"Customer told on {loop.channel or 'their channel'}{where}"
    else:
        text = f"Not told: {loop.suppressed or 'no reason given'}"
    return noted(file, meta, text)


def goal_met_messages(file: CaseFile, meta: EventMeta) -> list[ActionRequested]:
    """The end: said in the thread, and on the case's message (no buttons left)."""
    told = file.loop.channel if file.loop and file.loop.channel else "their channel"
    text = f"Goal met: the ticket is solved and the customer was told on {told}. Case closed."
    in_thread = noted(file, meta.derive(PRODUCER, "goal-met"), text)
    on_message = in_thread.model_copy(
        update={"meta": meta.derive(PRODUCER, "goal-met-message"), "placement": "update", "headline": text}
    )
    return [in_thread, on_message]
