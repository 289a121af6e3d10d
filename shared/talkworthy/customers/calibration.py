"""Population-level figures the triggers lean on, fitted offline and shipped as data (``calibration.json``).

``infra/customers/fit.py`` fits them with numpy/scipy on the synthetic population's calibration
window and writes the file; the layer only reads it and computes in pure Python (no numpy/scipy
in Lambda):

- ``bgnbd``: the four BG/NBD parameters (r, alpha, a, b; time in days).
- ``latency``: per position *k* in a customer's own sequence, the 50th and 90th percentile of the
  gap from order *k* to order *k+1* among the population (Jim Novo's trip wires: the 2nd→3rd gap
  is not the 8th→9th). The last position stands for every later one.
- ``second_order``: for one-time buyers, the share of first-time buyers who ever order again and
  the quantiles of their first gap.
- ``value_tiers``: annualised spend at which a customer is ``vip`` or ``high``.

One-time buyers: plain BG/NBD gives anyone with no repeat purchase P(alive) = 1. Here their
P(alive) is the posterior of a two-class model instead: a first-time buyer is a repeater with
prior ``share``, and a repeater has not ordered again after ``age`` days with probability
``S(age)`` (from the first-gap quantiles), so
``P(alive) = share·S(age) / (share·S(age) + 1 - share)``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Calibration", "Latency", "calibration"]

_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Latency:
    p50: float
    p90: float


@dataclass(frozen=True)
class Calibration:
    r: float
    alpha: float
    a: float
    b: float
    latency: tuple[Latency, ...]  # index 0 = the gap from order 1 to order 2
    second_order_share: float
    first_gap_quantiles: tuple[float, ...]  # days at the 5th, 10th, ..., 95th percentile
    vip_spend: float
    high_spend: float
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        bgnbd = data["bgnbd"]
        return cls(
            r=float(bgnbd["r"]),
            alpha=float(bgnbd["alpha"]),
            a=float(bgnbd["a"]),
            b=float(bgnbd["b"]),
            latency=tuple(Latency(float(row["p50"]), float(row["p90"])) for row in data["latency"]),
            second_order_share=float(data["second_order"]["share"]),
            first_gap_quantiles=tuple(float(q) for q in data["second_order"]["gap_quantiles"]),
            vip_spend=float(data["value_tiers"]["vip"]),
            high_spend=float(data["value_tiers"]["high"]),
            source=str(data.get("source", "")),
        )

    def latency_at(self, orders: int) -> Latency:
        """The population's gap after a customer's ``orders``-th order."""
        return self.latency[min(max(orders, 1), len(self.latency)) - 1]

    def p_alive(self, orders: int, first_at_days: float, last_at_days: float, now_days: float) -> float:
        """The probability the customer is still active (BG/NBD; the two-class model for one-time buyers)."""
        age = max(0.0, now_days - first_at_days)
        x = orders - 1
        if x <= 0:
            survive = self.first_gap_survival(age)
            share = self.second_order_share
            return share * survive / (share * survive + 1.0 - share)
        t_x = max(0.0, last_at_days - first_at_days)
        log_ratio = (self.r + x) * math.log((self.alpha + age) / (self.alpha + t_x))
        odds = self.a / (self.b + x - 1) * math.exp(min(log_ratio, 700.0))
        return 1.0 / (1.0 + odds)

    def first_gap_survival(self, age: float) -> float:
        """Share of repeaters whose first gap is longer than ``age`` days (linear between quantiles)."""
        qs = self.first_gap_quantiles
        step = 1.0 / (len(qs) + 1)  # quantiles at step, 2·step, ...
        if age <= qs[0]:
            return 1.0 - step * age / qs[0] if qs[0] > 0 else 1.0 - step
        for i in range(1, len(qs)):
            if age <= qs[i]:
                fraction = (age - qs[i - 1]) / (qs[i] - qs[i - 1]) if qs[i] > qs[i - 1] else 1.0
                return 1.0 - step * (i + fraction)
        tail = step  # beyond the last quantile: an exponential tail with the last quantile's scale
        return tail * math.exp(-(age - qs[-1]) / max(qs[-1], 1.0))

    def tier(self, annual_spend: float) -> str:
        if annual_spend >= self.vip_spend:
            return "vip"
        if annual_spend >= self.high_spend:
            return "high"
        return "standard"


@cache
def calibration() -> Calibration:
    return Calibration.from_dict(json.loads(_FILE.read_text()))
