"""The case file's own timers: a next step on a case comes due."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from talkworthy.catalog.base import Detail
from talkworthy.catalog.cases import RecordRef

__all__ = ["StepDue"]


class StepDue(Detail):
    """A next step's one-shot timer fired: its assignee is nudged unless it is done (the cases context)."""

    DETAIL_TYPE = "Step.Due"
    case: RecordRef
    step_id: str = Field(min_length=1, max_length=64)
    due: datetime
