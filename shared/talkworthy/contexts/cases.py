"""The cases context: SLA timers, escalation, and the actions people take on cases, mentions, leads.

``Case.Opened`` starts the case's one-shot SLA schedule and records where the case came from;
``Ticket.Closed`` cancels the timer and closes the loop (``usecases/close_loop.py``: the customer
is told once per case, where they came from); ``Sla.Breached`` asks the escalation channel to
act. ``Action.Taken`` on a case, mention or lead is performed here (``usecases/act.py``: claim
and dismiss also stop the SLA timer), and so are the identity confirm/undo offered on those
messages (decisions on ideas belong to the ideas context, retention answers to customers).
Idempotent under redelivery: a timer is created under a name derived from the case (a second
create is refused by Scheduler), cancelling a missing timer is a no-op, every action sets a state
or writes once per key, the events returned carry keys derived from the one handled, so notify
acts on them once; an origin is a whole-item put, and a loop is closed by the one report that
claims the case's closure with a conditional write.

Each case also has a case file (``usecases/case_file.py``, ``usecases/case_actions.py``): its goal,
owner, deadline, participants, next steps and decisions, worked in the case's Slack thread, and
ended when the goal is met (``Ticket.Closed`` and ``Loop.Closed`` with the customer told).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import (
    ActionCompleted,
    ActionTaken,
    CaseOpened,
    Detail,
    LoopClosed,
    SlaBreached,
    SurveyDue,
    TicketClosed,
    TicketReopened,
    utc_now,
)
from talkworthy.catalog.case_file import StepDue
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import CasesSettings
from talkworthy.usecases import case_file
from talkworthy.usecases.act import act
from talkworthy.usecases.case_actions import CASE_FILE_ACTIONS, act_on_case_file
from talkworthy.usecases.close_loop import LoopPorts, close_loop, record_origin
from talkworthy.usecases.sla import escalation_for, start_sla_timer, stop_sla_timer
from talkworthy.usecases.survey import SurveyPorts, cancel_survey, plan_survey, send_survey

if TYPE_CHECKING:
    from talkworthy.cases.store import CaseFileStore
    from talkworthy.crm.port import CrmPort
    from talkworthy.enrichment.corrections import CorrectionsStore
    from talkworthy.identity.port import IdentityGraph
    from talkworthy.notify.slack import ChatPort
    from talkworthy.people import Directory
    from talkworthy.routing.source import RulesSource
    from talkworthy.scheduling import SlaScheduler
    from talkworthy.subjects import SubjectStore

__all__ = ["HANDLERS", "CasesPorts"]


class CasesPorts:
    def __init__(self, config: CasesSettings) -> None:
        self.config = config

    @cached_property
    def scheduler(self) -> SlaScheduler:
        return c.sla_scheduler(self.config)

    @cached_property
    def crm(self) -> CrmPort:
        return c.crm(self.config)

    @cached_property
    def identities(self) -> IdentityGraph:
        return c.identity_graph(self.config.mesh_table)

    @cached_property
    def subjects(self) -> SubjectStore:
        return c.subjects(self.config.mesh_table)

    @cached_property
    def case_files(self) -> CaseFileStore:
        return c.case_files(self.config.mesh_table)

    @cached_property
    def corrections(self) -> CorrectionsStore:
        return c.corrections(self.config.mesh_table)

    @cached_property
    def views(self) -> ChatPort:
        return c.slack(self.config)

    @cached_property
    def rules(self) -> RulesSource:
        return c.rules_source(self.config.rules_parameter)

    @cached_property
    def surveys(self) -> SurveyPorts | None:
        """Surveys need an e-mail sender and a key to sign their rating links."""
        config = self.config
        if not config.email_sender or not config.action_link_key:
            return None
        return SurveyPorts(
            scheduler=self.scheduler,
            email=c.email(config.email_sender),
            links=c.survey_link_signer(config.action_link_key),
            links_base_url=config.public_base_url,
            delay=timedelta(minutes=config.survey_delay_minutes),
        )

    @cached_property
    def loop(self) -> LoopPorts:
        from talkworthy.replies.texts import load_texts

        surveys = self.surveys
        return LoopPorts(
            store=c.loop_store(self.config.mesh_table),
            replies=c.reply_router(self.config),
            ledger=c.contact_ledger(self.config.mesh_table),
            texts=load_texts(),
            schedule_survey=functools.partial(plan_survey, surveys) if surveys is not None else None,
        )

    @property
    def people(self) -> Directory:
        return c.people(self.config.people_parameter).current()  # the override is re-read every minute

    @property
    def escalation_channel(self) -> str:
        return self.config.escalation_channel

    @property
    def slack_workspace_url(self) -> str:
        return self.config.slack_workspace_url


def start_timer(event: CaseOpened, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    start_sla_timer(event, ports.scheduler)
    return []


def keep_origin(event: CaseOpened, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    record_origin(event, ports.loop.store)
    return []


def tell_customer(event: TicketClosed, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return close_loop(event, ports.loop, utc_now())


def survey(event: SurveyDue, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    if ports.surveys is not None:
        send_survey(event, ports.loop, ports.surveys, utc_now())
    return []


def reopened(event: TicketReopened, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    if ports.surveys is not None:
        cancel_survey(event, ports.loop, ports.surveys)
    return []


def stop_timer(event: TicketClosed, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    stop_sla_timer(event, ports.scheduler)
    return []


def open_case_file(event: CaseOpened, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return case_file.open_file(event, ports)


def ticket_solved(event: TicketClosed, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return case_file.ticket_closed(event, ports)


def loop_closed(event: LoopClosed, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return case_file.loop_closed(event, ports)


def step_due(event: StepDue, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return case_file.step_due(event, ports)


def escalate(breach: SlaBreached, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    return [escalation_for(breach, ports.config.escalation_channel)]


def perform(taken: ActionTaken, ports: CasesPorts, arrival: Arrival) -> Sequence[Detail]:
    now = utc_now()
    if taken.action in CASE_FILE_ACTIONS:
        return act_on_case_file(taken, ports, now)
    events = act(taken, ports, now)
    if taken.action == "claim" and taken.target.kind == "case" and _done(events):
        events += case_file.note_claim(taken, ports, now)
    return events


def _done(events: Sequence[Detail]) -> bool:
    return any(isinstance(event, ActionCompleted) and event.outcome == "done" for event in events)


HANDLERS = HandlerMap[CasesPorts](
    on(CaseOpened, start_timer),
    on(TicketClosed, stop_timer),
    on(CaseOpened, keep_origin),
    on(TicketClosed, tell_customer),
    on(SurveyDue, survey),
    on(TicketReopened, reopened),
    on(SlaBreached, escalate),
    on(CaseOpened, open_case_file),  # the case file: goal, owner, deadline, steps, in the case's thread
    on(TicketClosed, ticket_solved),  # the goal's solved half
    on(LoopClosed, loop_closed),
    on(StepDue, step_due),
    on(ActionTaken, perform, where={"target": {"kind": ["case", "lead", "mention"]}}),
)
