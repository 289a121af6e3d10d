"""The survey after a solved case: planned, cancelled on reopen, sent once, at most one in 30 days."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from loop_fixtures import CASE, NOW, ZENDESK, RecordingReplies, closed, opened

from talkworthy.catalog import EventMeta, SurveyDue, TicketReopened
from talkworthy.loop.store import InMemoryLoopStore
from talkworthy.loop.survey_links import SurveyLinkSigner
from talkworthy.notify import RecordingEmail
from talkworthy.outreach.ledger import Entry, InMemoryContactLedger
from talkworthy.replies.router import ReplyRouter
from talkworthy.replies.texts import load_texts
from talkworthy.scheduling import InMemorySlaScheduler, survey_timer_name
from talkworthy.usecases.close_loop import LoopPorts, close_loop, record_origin
from talkworthy.usecases.survey import SurveyPorts, cancel_survey, plan_survey, send_survey

KEY = b"s" * 32


@pytest.fixture
def surveys() -> SurveyPorts:
    return SurveyPorts(
        scheduler=InMemorySlaScheduler(),
        email=RecordingEmail(),
        links=SurveyLinkSigner([KEY]),
        links_base_url="https://in.example",
        delay=timedelta(hours=24),
    )


@pytest.fixture
def x() -> RecordingReplies:
    return RecordingReplies("x")


@pytest.fixture
def loop(surveys: SurveyPorts, x: RecordingReplies) -> LoopPorts:
    return LoopPorts(
        store=InMemoryLoopStore(),
        replies=ReplyRouter({"x": x}, RecordingReplies("email")),
        ledger=InMemoryContactLedger(),
        texts=load_texts(),
        schedule_survey=functools.partial(plan_survey, surveys),
    )


def _due(surveys: SurveyPorts) -> SurveyDue:
    ((_, event),) = surveys.scheduler.timers.values()  # type: ignore[attr-defined]
    assert isinstance(event, SurveyDue)
    return event


def test_a_solved_case_plans_its_survey_a_day_later_and_the_public_reply_has_no_link(
    loop: LoopPorts, surveys: SurveyPorts, x: RecordingReplies
) -> None:
    record_origin(opened(), loop.store)
    (done,) = close_loop(closed(), loop, NOW)
    assert done.survey_due == NOW + timedelta(hours=24)
    assert survey_timer_name(CASE) in surveys.scheduler.timers  # type: ignore[attr-defined]
    assert _due(surveys).email == "dana@globex.example"
    ((_, text),) = x.posted
    assert "http" not in text  # a public reply never carries a survey link
    assert "survey" not in text.lower()


def test_a_closed_not_solved_ticket_or_an_unknown_email_plans_no_survey(loop: LoopPorts, surveys: SurveyPorts) -> None:
    record_origin(opened(opened().origin.model_copy(update={"email": None})), loop.store)  # type: ignore[union-attr]
    (done,) = close_loop(closed(), loop, NOW)
    assert done.survey_due is None
    assert not surveys.scheduler.timers  # type: ignore[attr-defined]


def test_the_survey_goes_once_by_email_with_a_signed_link_per_rating(loop: LoopPorts, surveys: SurveyPorts) -> None:
    record_origin(opened(), loop.store)
    close_loop(closed(), loop, NOW)
    due = _due(surveys)
    later = NOW + timedelta(hours=24)
    assert send_survey(due, loop, surveys, later) is True
    assert send_survey(due, loop, surveys, later) is False  # a redelivered Survey.Due
    (sent,) = surveys.email.sent  # type: ignore[attr-defined]
    assert sent.to == "dana@globex.example"
    assert sent.html.count("https://in.example/surveys/") == 5
    ledger = loop.ledger
    assert isinstance(ledger, InMemoryContactLedger)
    assert [e.kind for e in ledger.entries["prf_dana"]] == ["support", "transactional", "survey"]
    token = sent.html.split("https://in.example/surveys/")[1].split('"')[0]
    answer = surveys.links.verify(token, later.timestamp())
    assert (answer.case, answer.profile_id, answer.channel) == (CASE, "prf_dana", "twitter")


def test_no_survey_when_the_person_had_one_in_the_last_30_days(loop: LoopPorts, surveys: SurveyPorts) -> None:
    loop.ledger.record(Entry("prf_dana", NOW - timedelta(days=20), "survey", "email", "survey:other-case"))
    record_origin(opened(), loop.store)
    close_loop(closed(), loop, NOW)
    assert send_survey(_due(surveys), loop, surveys, NOW + timedelta(hours=24)) is False
    assert not surveys.email.sent  # type: ignore[attr-defined]
    ledger = loop.ledger
    assert isinstance(ledger, InMemoryContactLedger)
    (kept,) = ledger.suppressed
    assert (kept.kind, kept.reason.split(" ")[0]) == ("survey", "survey_within:30d")


def test_a_reopened_ticket_cancels_its_survey(loop: LoopPorts, surveys: SurveyPorts) -> None:
    record_origin(opened(), loop.store)
    close_loop(closed(), loop, NOW)
    due = _due(surveys)
    reopened = TicketReopened(
        meta=EventMeta(
            event_key="zendesk:r1", correlation_id="c", producer="talkworthy.ingress.zendesk", occurred_at=NOW
        ),
        ticket=ZENDESK,
        status="open",
        reopened_at=NOW,
    )
    assert cancel_survey(reopened, loop, surveys) is True
    assert not surveys.scheduler.timers  # type: ignore[attr-defined]
    assert send_survey(due, loop, surveys, NOW + timedelta(hours=24)) is False  # fired before the cancel landed
    assert not surveys.email.sent  # type: ignore[attr-defined]
