"""Customer behaviour from systems of record, and departures from a customer's own pattern."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["BehaviorObserved", "DeviationDetected", "DeviationReason", "Expectation", "ReasonCode"]


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


ReasonCode = Literal[
    "overdue",  # no order for longer than the customer's trip wire for their position in their sequence
    "no_second_order",  # a one-time buyer past the population's trip wire for a second order
    "frequency_drop",  # recent gaps between orders much longer than the customer's own
    "spend_drop",  # recent order values much lower than the customer's own
    "contact_surge",  # support contacts (calls, cases) well above normal, recently
    "negative_sentiment",  # negative mentions recently
    "cancellation",
    "downgrade",
]


class DeviationReason(_Model):
    """One way the customer left their own pattern: what we expected, what we saw, in one sentence."""

    code: ReasonCode
    expected: float
    observed: float
    unit: str = Field(description="days, orders_per_month, currency code, or pressure (decayed count)")
    sentence: str = Field(max_length=300)


class DeviationDetected(Detail):
    DETAIL_TYPE = "Deviation.Detected"
    customer_id: str
    tier: str
    expected: Expectation
    actual: Expectation
    last_seen_at: datetime
    explanation: str
    reasons: list[DeviationReason] = Field(default_factory=list, description="every trigger that fired")
    p_alive: float | None = Field(default=None, ge=0.0, le=1.0, description="BG/NBD probability still active")
    email: str | None = None
