"""A customer's baseline: what they normally do, kept incrementally from their own signals.

No history is re-read: each signal updates one small state, and every figure the triggers use
(recency, frequency, monetary, the smoothed gap between orders and its spread, the recent gap and
order value, contact and sentiment pressure) is derived from that state.

**Redelivery and order do not matter, by construction.** The state is sets of signals, not a
running sum that depends on arrival order:

- ``orders``: the last :data:`ORDER_WINDOW` orders, sorted by ``(at, key)`` and deduplicated by
  event key. Orders that leave the window are folded, oldest first, into ``folded`` (a
  :class:`Running` summary: counts, sums, EWMAs). A fold always takes the oldest kept order, so
  the folded orders are folded in time order whatever order they arrived in, and the derived
  figures (``folded`` continued over the kept orders, in time order) are the in-order figures.
  An order at or before the fold boundary (the last folded order) would have to enter the summary
  out of order; it is refused (``too_late``), which happens only when more than
  :data:`ORDER_WINDOW` newer orders of the same customer arrived before it. Within that window
  any arrival order gives the same state (tests/unit/customers/test_baseline_properties.py).
- ``touches`` (contacts, cases, negative mentions) and ``churn`` (cancellations, downgrades): the
  newest :data:`TOUCH_WINDOW` of each, deduplicated by key. The newest *n* of a set do not depend
  on arrival order, and a redelivered touch that fell out is older than all kept, so it is refused.
- ``last_login_at`` is a maximum.

Pressures decay with time; they are computed at the moment asked (``pressure(now)``) from the kept
touches, in time order, never stored as a running decayed sum.
"""

from __future__ import annotations

import hashlib
import math
from bisect import insort
from dataclasses import asdict, dataclass, field
from typing import Literal

__all__ = [
    "DAY",
    "ORDER_WINDOW",
    "TOUCH_WINDOW",
    "Applied",
    "Baseline",
    "Running",
    "Signal",
    "SignalKind",
    "short_key",
]

DAY = 86400
ORDER_WINDOW = 24
TOUCH_WINDOW = 12
SLOW = 0.15  # EWMA weight of the long-run gap and order value
FAST = 0.5  # EWMA weight of the recent gap and order value
PRESSURE_DAYS = 14.0  # a touch weighs exp(-age / 14 days) in its pressure

SignalKind = Literal["order", "login", "contact", "cancellation", "downgrade", "case", "negative_mention"]
TOUCH_KINDS = frozenset({"contact", "case", "negative_mention"})
CHURN_KINDS = frozenset({"cancellation", "downgrade"})
Applied = Literal["added", "duplicate", "too_late"]


def short_key(event_key: str) -> str:
    """A customer's signals are told apart by 12 hex digits of their event key (kept small in the item)."""
    return hashlib.sha256(event_key.encode()).hexdigest()[:12]


@dataclass(frozen=True, order=True)
class Signal:
    at: int  # epoch seconds
    key: str  # short_key(event_key)
    kind: SignalKind = field(compare=False)
    amount: float | None = field(default=None, compare=False)
    note: str = field(default="", compare=False)  # for touches: what it was ("case TW-1: Billing export fails")


def _ewma(previous: float, value: float, count: int, weight: float) -> float:
    """A running mean for the first 1/weight values, then an EWMA: no start-up bias."""
    w = max(weight, 1.0 / count)
    return previous + w * (value - previous)


@dataclass
class Running:
    """A summary of orders pushed in time order."""

    count: int = 0
    total: float = 0.0
    first_at: int | None = None
    last_at: int | None = None
    last_key: str = ""
    gaps: int = 0
    gap_slow: float = 0.0  # days
    gap_var: float = 0.0  # EWMA of the squared deviation from gap_slow, days^2
    gap_fast: float = 0.0
    amounts: int = 0
    amount_slow: float = 0.0
    amount_fast: float = 0.0

    def push(self, order: Signal) -> None:
        if self.last_at is not None:
            gap = (order.at - self.last_at) / DAY
            self.gaps += 1
            deviation = gap - self.gap_slow if self.gaps > 1 else 0.0
            self.gap_var = _ewma(self.gap_var, deviation * deviation, self.gaps, SLOW)
            self.gap_slow = _ewma(self.gap_slow, gap, self.gaps, SLOW)
            self.gap_fast = _ewma(self.gap_fast, gap, self.gaps, FAST)
        if order.amount is not None:
            self.amounts += 1
            self.total += order.amount
            self.amount_slow = _ewma(self.amount_slow, order.amount, self.amounts, SLOW)
            self.amount_fast = _ewma(self.amount_fast, order.amount, self.amounts, FAST)
        self.count += 1
        self.first_at = order.at if self.first_at is None else self.first_at
        self.last_at, self.last_key = order.at, order.key

    def copy(self) -> Running:
        return Running(**asdict(self))


@dataclass
class Baseline:
    customer_id: str
    email: str | None = None
    folded: Running = field(default_factory=Running)
    orders: list[Signal] = field(default_factory=list)
    touches: list[Signal] = field(default_factory=list)
    churn: list[Signal] = field(default_factory=list)
    last_login_at: int | None = None

    # -- signals in -------------------------------------------------------------------------

    def apply(self, signal: Signal) -> Applied:
        if signal.kind == "order":
            return self._add_order(signal)
        if signal.kind == "login":
            if self.last_login_at is not None and signal.at <= self.last_login_at:
                return "duplicate"  # the latest login is what is kept: an older or the same one changes nothing
            self.last_login_at = signal.at
            return "added"
        return _add_newest(self.touches if signal.kind in TOUCH_KINDS else self.churn, signal)

    def _add_order(self, order: Signal) -> Applied:
        if any(kept.key == order.key for kept in self.orders):
            return "duplicate"
        boundary = self.folded.last_at
        if boundary is not None and (order.at, order.key) <= (boundary, self.folded.last_key):
            return "too_late"
        insort(self.orders, order)
        while len(self.orders) > ORDER_WINDOW:
            self.folded.push(self.orders.pop(0))
        return "added"

    # -- what it says -----------------------------------------------------------------------

    def summary(self) -> Running:
        """Every order so far, summarised in time order (the folded ones, then the kept ones)."""
        running = self.folded.copy()
        for order in self.orders:
            running.push(order)
        return running

    def pressure(self, kinds: frozenset[str], now: int) -> float:
        """Touches of these kinds, each weighted ``exp(-age / 14 days)``; future ones not counted."""
        total = 0.0
        for touch in self.touches:  # sorted, so the sum is the same float whatever the arrival order
            if touch.kind in kinds and touch.at <= now:
                total += math.exp(-(now - touch.at) / DAY / PRESSURE_DAYS)
        return total

    def recent_churn(self, now: int, days: float) -> list[Signal]:
        return [signal for signal in self.churn if 0 <= now - signal.at <= days * DAY]


def _add_newest(kept: list[Signal], signal: Signal) -> Applied:
    if any(other.key == signal.key for other in kept):
        return "duplicate"
    if len(kept) >= TOUCH_WINDOW and signal < kept[0]:
        return "too_late"  # older than every kept one: it would be dropped at once
    insort(kept, signal)
    del kept[: max(0, len(kept) - TOUCH_WINDOW)]
    return "added"
