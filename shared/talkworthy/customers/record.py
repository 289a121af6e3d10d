"""What the customers context keeps per customer: the baseline, what people said about it, and when to look.

The baseline (signals) and the person-made state (tolerance, snooze, the open retention task)
are kept apart: signals are order-independent by construction (``baseline.py``); person-made
state changes only through ``Action.Taken``, each applied once per event key
(``applied_actions``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from talkworthy.customers.baseline import Baseline, Running, Signal

__all__ = ["APPLIED_KEPT", "CustomerRecord", "decode", "encode"]

APPLIED_KEPT = 16  # action event keys remembered per customer (redeliveries come within minutes)


@dataclass
class CustomerRecord:
    baseline: Baseline
    tolerance: float = 1.0  # widened by "Not at risk"; scales every trigger threshold
    snoozed_until: int | None = None
    alerted_episode: str | None = None  # the last order the latest deviation was about
    retention_task: str | None = None  # the CRM task opened for it, until "Retention done"
    applied_actions: list[str] = field(default_factory=list)
    next_check: int | None = None  # epoch seconds; None: nothing to check until the next signal
    version: int = 0  # optimistic concurrency: each save is conditional on the version it read

    @property
    def customer_id(self) -> str:
        return self.baseline.customer_id

    @property
    def episode(self) -> str | None:
        """The customer's latest order (its key): one deviation alert per episode."""
        b = self.baseline
        if b.orders:
            return b.orders[-1].key
        return b.folded.last_key or None


def _signal(row: list[Any]) -> Signal:
    at, key, kind, amount, note = row
    return Signal(int(at), str(key), kind, None if amount is None else float(amount), str(note))


def _row(signal: Signal) -> list[Any]:
    return [signal.at, signal.key, signal.kind, signal.amount, signal.note]


def encode(record: CustomerRecord) -> str:
    """The record as compact JSON (one string attribute: no Decimal round trips, ~1-2 KB)."""
    b = record.baseline
    data = {
        "customer_id": b.customer_id,
        "email": b.email,
        "folded": asdict(b.folded),
        "orders": [_row(s) for s in b.orders],
        "touches": [_row(s) for s in b.touches],
        "churn": [_row(s) for s in b.churn],
        "last_login_at": b.last_login_at,
        "tolerance": record.tolerance,
        "snoozed_until": record.snoozed_until,
        "alerted_episode": record.alerted_episode,
        "retention_task": record.retention_task,
        "applied_actions": record.applied_actions,
        "next_check": record.next_check,
    }
    return json.dumps(data, separators=(",", ":"))


def decode(text: str, version: int) -> CustomerRecord:
    data = json.loads(text)
    baseline = Baseline(
        customer_id=data["customer_id"],
        email=data.get("email"),
        folded=Running(**data["folded"]),
        orders=[_signal(r) for r in data["orders"]],
        touches=[_signal(r) for r in data["touches"]],
        churn=[_signal(r) for r in data["churn"]],
        last_login_at=data.get("last_login_at"),
    )
    return CustomerRecord(
        baseline=baseline,
        tolerance=float(data.get("tolerance", 1.0)),
        snoozed_until=data.get("snoozed_until"),
        alerted_episode=data.get("alerted_episode"),
        retention_task=data.get("retention_task"),
        applied_actions=list(data.get("applied_actions", [])),
        next_check=data.get("next_check"),
        version=version,
    )
