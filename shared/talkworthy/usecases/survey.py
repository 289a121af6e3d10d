"""The satisfaction survey of a solved case: planned, cancelled on reopen, sent by e-mail when due.

:func:`plan_survey` creates one EventBridge Scheduler one-shot per case (``survey-<digest>``)
that puts ``Survey.Due`` on the bus a delay after the ticket was solved (24 h by default). A
``Ticket.Reopened`` cancels it (:func:`cancel_survey`). When it falls due, :func:`send_survey`
asks the contact-pressure ledger (at most one survey per person in 30 days; a suppression is
recorded with its reason) and sends the e-mail with one signed, single-use link per rating. A
survey only ever goes by e-mail, never on a public thread.

Idempotent under redelivery: the schedule's name is per case (a second create is refused), a
cancel of a missing schedule is a no-op, and the closure records that its survey was sent or
cancelled, so a redelivered ``Survey.Due`` sends nothing. The ledger decision leaves out the
survey's own entry, so a retry after a crash between the e-mail and that record still sends
(at least once, within that window only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from talkworthy.catalog import EventMeta, SurveyDue, TicketClosed, TicketReopened
from talkworthy.loop.store import OriginRecord
from talkworthy.loop.survey_email import render_survey
from talkworthy.loop.survey_links import SurveyAnswer, SurveyLinkSigner, survey_key
from talkworthy.notify.email import EmailPort
from talkworthy.outreach.ledger import Entry
from talkworthy.scheduling import SlaScheduler, survey_timer_name
from talkworthy.usecases.close_loop import PRODUCER, LoopPorts, person_of

__all__ = ["SurveyPorts", "cancel_survey", "plan_survey", "send_survey"]


@dataclass(frozen=True)
class SurveyPorts:
    scheduler: SlaScheduler
    email: EmailPort
    links: SurveyLinkSigner
    links_base_url: str
    delay: timedelta = timedelta(hours=24)


def plan_survey(
    surveys: SurveyPorts, record: OriginRecord, closed: TicketClosed, email: str, now: datetime
) -> datetime:
    """Schedule the survey ``delay`` after the ticket was solved (at once if that has passed)."""
    due = max(closed.closed_at + surveys.delay, now)
    event = SurveyDue(
        meta=EventMeta(
            event_key=survey_key(record.case),
            correlation_id=record.correlation_id,
            producer=PRODUCER,
            occurred_at=due,
        ),
        case=record.case,
        email=email,
        solved_at=closed.closed_at,
    )
    surveys.scheduler.start(survey_timer_name(record.case), due, event)
    return due


def cancel_survey(reopened: TicketReopened, loop: LoopPorts, surveys: SurveyPorts) -> bool:
    """The ticket is open again: its survey is not sent. False when none was pending."""
    refs = [reopened.ticket, *([reopened.case] if reopened.case else [])]
    record = loop.store.find_origin(refs)
    if record is None:
        return False
    cancelled = surveys.scheduler.cancel(survey_timer_name(record.case))
    loop.store.survey_done(record.case)
    return cancelled


def send_survey(due: SurveyDue, loop: LoopPorts, surveys: SurveyPorts, now: datetime) -> bool:
    """True when the survey e-mail went out."""
    closure = loop.store.closure(due.case)
    record = loop.store.find_origin([due.case])
    if closure is None or closure.survey is None or record is None:
        return False  # already sent, or cancelled by a reopen
    person, key = person_of(record), survey_key(due.case)
    history = [e for e in loop.ledger.history(person, now - loop.policy.horizon) if e.event_key != key]
    decision = loop.policy.decide(history, "survey", now)
    if not decision.send:
        loop.ledger.record_suppressed(Entry(person, now, "survey", "email", key, decision.reason))
        loop.store.survey_done(due.case)
        return False
    origin = record.origin
    answer = SurveyAnswer(due.case, 5, record.profile_id, origin.platform, origin.segment)
    links = surveys.links.links(surveys.links_base_url, answer, now.timestamp())
    name = origin.name.split()[0] if origin.name else origin.handle or "there"
    subject, text, html = render_survey(loop.texts, name, f"#{closure.ticket.record_id}", links)
    surveys.email.send(due.email, subject, text, html)
    loop.ledger.record(Entry(person, now, "survey", "email", key, decision.reason))
    loop.store.survey_done(due.case)
    return True
