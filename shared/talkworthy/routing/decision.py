"""What routing decided for one mention: the action, its service level and who to tell, and why."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.catalog.cases import Priority

__all__ = ["SALES_TAG", "Action", "Decision", "describe_sla"]

Action = Literal["open_case", "flag_lead", "file_idea", "notify", "triage", "ignore"]

SALES_TAG = "sales"
"""A rule tagged ``sales`` is outreach, whatever its action: the contact policy applies to it.
``flag_lead`` is always sales."""


class Decision(BaseModel):
    """The routing outcome for one mention, after the rule match and (maybe) the contact policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(description="name of the deciding rule, or 'default'")
    action: Action
    priority: Priority = "normal"
    sla: timedelta | None = None
    notify_channel: str | None = Field(default=None, description="Slack channel id or name")
    notify_email: str | None = None
    tags: tuple[str, ...] = ()
    matched: list[str] = Field(default_factory=list, description="every rule that matched, in order")
    suppressed: list[str] = Field(
        default_factory=list, description="why the contact policy replaced the action, e.g. open_case:1"
    )
    original_action: Action | None = Field(default=None, description="the action before the policy")
    sentiment: float | None = Field(default=None, description="the mention's sentiment value, -1..1")
    sentiment_label: str | None = None
    explanation: str = Field(description="one human sentence: which rule matched on what")

    @property
    def is_sales(self) -> bool:
        return self.action == "flag_lead" or SALES_TAG in self.tags

    def sla_due(self, start: datetime) -> datetime | None:
        return start + self.sla if self.sla is not None else None


def describe_sla(sla: timedelta) -> str:
    """``1h``, ``90m``, ``2d``: short enough for a Slack line."""
    minutes = int(sla.total_seconds() // 60)
    if minutes and minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    if minutes:
        return f"{minutes}m"
    return f"{int(sla.total_seconds())}s"
