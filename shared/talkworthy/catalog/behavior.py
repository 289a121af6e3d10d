"""Customer behaviour from systems of record, and departures from a customer's own pattern."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["BehaviorObserved", "DeviationDetected", "Expectation"]


class BehaviorObserved(Detail):
    DETAIL_TYPE = "Behavior.Observed"
    customer_id: str = Field(min_length=1, max_length=200)
    email: str | None = None
    kind: Literal["order", "login", "contact", "cancellation", "downgrade"]
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    at: datetime
    source_system: str


class Expectation(_Model):
    interval_days: float = Field(ge=0)
    frequency_per_month: float = Field(ge=0)
    value: float | None = None


class DeviationDetected(Detail):
    DETAIL_TYPE = "Deviation.Detected"
    customer_id: str
    tier: str
    expected: Expectation
    actual: Expectation
    last_seen_at: datetime
    explanation: str
