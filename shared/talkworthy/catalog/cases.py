"""Cases, leads and tickets in the systems of record, and their service levels."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["CaseOpened", "LeadFlagged", "Priority", "RecordRef", "SlaBreached", "TicketClosed"]

Priority = Literal["low", "normal", "high", "urgent"]


class RecordRef(_Model):
    """A record in a system of record (crm: dynamodb, salesforce, hubspot, zendesk)."""

    system: str
    record_id: str
    url: str | None = None


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
    closed_at: datetime


class SlaBreached(Detail):
    DETAIL_TYPE = "Sla.Breached"
    case: RecordRef
    rule: str
    due: datetime
    elapsed_seconds: int = Field(ge=0)
