"""Closing the loop with the customer: the survey that falls due, and what they answered."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from talkworthy.catalog.base import Detail
from talkworthy.catalog.cases import RecordRef

__all__ = ["FeedbackReceived", "SurveyDue", "TicketReopened"]


class SurveyDue(Detail):
    """The satisfaction survey of a solved case falls due (an EventBridge Scheduler one-shot)."""

    DETAIL_TYPE = "Survey.Due"
    case: RecordRef
    email: str = Field(max_length=320)
    solved_at: datetime


class TicketReopened(Detail):
    """A solved ticket is open again: its pending survey is cancelled."""

    DETAIL_TYPE = "Ticket.Reopened"
    ticket: RecordRef
    case: RecordRef | None = Field(default=None, description="the case this ticket stands for, when named")
    status: str = Field(description="the status it moved to: open, pending, hold, new")
    reopened_at: datetime


class FeedbackReceived(Detail):
    """A customer's answer to a satisfaction survey (one per survey: its links are single-use)."""

    DETAIL_TYPE = "Feedback.Received"
    case: RecordRef
    profile_id: str | None = None
    rating: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: str | None = Field(default=None, max_length=2000)
    channel: str = Field(description="where the case came from: twitter, discourse, ...")
    segment: str | None = Field(default=None, description="the customer's value segment when the case opened")
    answered_at: datetime
