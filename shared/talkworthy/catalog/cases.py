"""Cases, leads and tickets in the systems of record, and their service levels."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = [
    "CaseOpened",
    "CaseOrigin",
    "LeadFlagged",
    "LoopClosed",
    "Priority",
    "RecordRef",
    "SlaBreached",
    "TicketClosed",
]

Priority = Literal["low", "normal", "high", "urgent"]


class RecordRef(_Model):
    """A record in a system of record (crm: dynamodb, salesforce, hubspot, zendesk)."""

    system: str
    record_id: str
    url: str | None = None


class CaseOrigin(_Model):
    """Where a case came from: enough to answer the person in place when it is closed."""

    platform: str = Field(description="where they spoke: twitter, discourse, reddit, web, ...")
    post_id: str
    url: str | None = None
    thread: str | None = Field(default=None, description="the platform's thread or topic id")
    post_number: int | None = Field(default=None, ge=1, description="Discourse: the post's number in its topic")
    handle: str | None = None
    name: str | None = None
    email: str | None = None
    segment: str | None = Field(default=None, description="their value segment then (feedback is measured per segment)")
    known_as: list[RecordRef] = Field(
        default_factory=list, description="the same case's records in other systems, if known when it opened"
    )


class CaseOpened(Detail):
    DETAIL_TYPE = "Case.Opened"
    case: RecordRef
    subject: str
    priority: Priority
    rule: str = Field(description="routing rule that opened it")
    profile_id: str | None = None
    sla_due: datetime | None = None
    origin_channel: str
    origin_url: str | None = None
    origin: CaseOrigin | None = Field(default=None, description="the post the case answers (close the loop there)")


class LeadFlagged(Detail):
    DETAIL_TYPE = "Lead.Flagged"
    lead: RecordRef
    rule: str
    profile_id: str | None = None
    origin_channel: str
    origin_url: str | None = None


class TicketClosed(Detail):
    DETAIL_TYPE = "Ticket.Closed"
    ticket: RecordRef
    subject: str | None = None
    status: Literal["solved", "closed"]
    requester_id: str | None = None
    requester_email: str | None = None
    resolution: str | None = None
    origin_channel: str | None = None
    case: RecordRef | None = Field(
        default=None, description="the case this ticket stands for, when the closing system names it (external id)"
    )
    closed_at: datetime


class SlaBreached(Detail):
    DETAIL_TYPE = "Sla.Breached"
    case: RecordRef
    rule: str
    due: datetime
    elapsed_seconds: int = Field(ge=0)


class LoopClosed(Detail):
    """The customer behind a closed case has been told, where they came from (or why not).

    Emitted once per case by the close-the-loop use case, whichever system reported the closure
    first; ``told`` is false when the contact policy suppressed the reply (``suppressed`` says why).
    """

    DETAIL_TYPE = "Loop.Closed"
    case: RecordRef = Field(description="the case as it was opened (its system of record and id)")
    ticket: RecordRef | None = Field(default=None, description="the closing system's record")
    profile_id: str | None = None
    told: bool
    channel: str | None = Field(default=None, description="where the customer was told: discourse, x, email")
    reply_url: str | None = None
    suppressed: str | None = Field(default=None, description="why the customer was not told")
    survey_due: datetime | None = None
    closed_at: datetime
