"""A synthetic customer population with injected defections, generated from a fixed seed.

Rhythm families: ``steady`` (gamma gaps, cv ~0.35), ``seasonal`` (the rate swings ±60 % over a
year), ``accelerating`` (gaps shrink 4 % per order to half), ``bursty`` (bursts of 2-4 quick
orders between long quiet spells) and ``one_time`` (a single order). Order values are lognormal
per customer, gamma around it per order. Everyone has a background of support contacts and the odd
negative mention. Some customers stop for good during the calibration window (natural attrition).

Defections are injected in the holdout among customers with 3+ orders before onset: ``abrupt``
(no order after onset), ``slowdown`` (each gap after onset 1.3x the one before, gone after 8
orders) and ``spend_decay`` (they keep ordering, each order after onset 0.7x the value of the one
before); a share
of them are preceded by support contacts and negative mentions (``social``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Customer", "PopulationParams", "generate"]

FAMILIES = ("steady", "seasonal", "accelerating", "bursty", "one_time")
DEFECTIONS = ("abrupt", "slowdown", "spend_decay")


@dataclass(frozen=True)
class PopulationParams:
    customers: int = 100_000
    seed: int = 20261120
    calibration_days: int = 365
    holdout_days: int = 180
    join_until_day: int = 300
    family_shares: tuple[float, ...] = (0.35, 0.15, 0.10, 0.20, 0.20)
    median_gap_days: float = 16.0
    gap_sigma: float = 0.45
    median_order_value: float = 80.0
    value_sigma: float = 1.0
    natural_dropout_per_order: float = 0.01  # only before calibration end - 60 days
    defect_share: float = 0.2
    defection_shares: tuple[float, ...] = (0.4, 0.3, 0.3)
    onset_from: int = 10  # days into the holdout
    onset_to: int = 100
    social_share: float = 0.4
    contact_every_days: float = 150.0
    negative_every_days: float = 500.0

    @property
    def end_day(self) -> int:
        return self.calibration_days + self.holdout_days


@dataclass
class Customer:
    customer_id: str
    family: str
    orders: list[tuple[float, float]] = field(default_factory=list)  # (day, amount)
    touches: list[tuple[float, str]] = field(default_factory=list)  # (day, contact | negative_mention)
    defection: str | None = None
    onset: float | None = None
    social: bool = False


def _gaps(family: str, base: float, start: float, end: float, rng: np.random.Generator) -> list[float]:
    days, at, k = [start], start, 0
    burst_left = 0
    while True:
        k += 1
        if family == "steady":
            gap = base * rng.gamma(8.0, 1 / 8.0)
        elif family == "seasonal":
            swing = 1.0 + 0.6 * np.sin(2 * np.pi * at / 365.0)
            gap = base * rng.gamma(4.0, 1 / 4.0) / swing
        elif family == "accelerating":
            gap = base * max(0.5, 0.96**k) * rng.gamma(6.0, 1 / 6.0)
        else:  # bursty
            if burst_left <= 0:
                burst_left = int(rng.integers(2, 5))
                gap = base * 2.5 * rng.gamma(3.0, 1 / 3.0)
            else:
                gap = base * 0.25 * rng.gamma(3.0, 1 / 3.0)
            burst_left -= 1
        at += max(0.5, float(gap))
        if at >= end:
            return days
        days.append(at)


def _defect(customer: Customer, kind: str, onset: float) -> None:
    before = [o for o in customer.orders if o[0] < onset]
    after = [o for o in customer.orders if o[0] >= onset]
    if kind == "abrupt":
        after = []
    elif kind == "slowdown":
        slowed, at, last = [], before[-1][0], before[-1][0]
        for k, (day, amount) in enumerate(after[:8], start=1):
            gap = (day - last) * 1.3**k
            last, at = day, at + gap
            slowed.append((at, amount))
        after = [o for o in slowed if o[0] < onset + 1000]
    else:  # spend_decay: they keep ordering, less and less
        after = [(day, amount * 0.7**k) for k, (day, amount) in enumerate(after, start=1)]
    customer.orders = before + after
    customer.defection, customer.onset = kind, onset


def generate(params: PopulationParams = PopulationParams()) -> list[Customer]:
    rng = np.random.default_rng(params.seed)
    end = float(params.end_day)
    population = []
    families = rng.choice(len(FAMILIES), size=params.customers, p=params.family_shares)
    for n in range(params.customers):
        family = FAMILIES[families[n]]
        customer = Customer(f"c-{n:06d}", family)
        join = float(rng.uniform(0, params.join_until_day))
        base = params.median_gap_days * float(np.exp(rng.normal(0, params.gap_sigma)))
        value = params.median_order_value * float(np.exp(rng.normal(0, params.value_sigma)))
        days = [join] if family == "one_time" else _gaps(family, base, join, end, rng)
        for i, day in enumerate(days):
            customer.orders.append((day, round(value * float(rng.gamma(6.0, 1 / 6.0)), 2)))
            dropout_by = params.calibration_days - 60
            if i and day < dropout_by and rng.random() < params.natural_dropout_per_order:
                break
        if family != "one_time" and rng.random() < params.defect_share:
            onset = params.calibration_days + float(rng.uniform(params.onset_from, params.onset_to))
            if sum(1 for day, _ in customer.orders if day < onset) >= 3 and customer.orders[-1][0] >= onset:
                kind = DEFECTIONS[int(rng.choice(len(DEFECTIONS), p=params.defection_shares))]
                _defect(customer, kind, onset)
                if rng.random() < params.social_share:
                    customer.social = True
                    for _ in range(int(rng.integers(1, 4))):
                        customer.touches.append((onset + float(rng.uniform(-21, 10)), "contact"))
                    for _ in range(int(rng.integers(1, 3))):
                        customer.touches.append((onset + float(rng.uniform(-14, 10)), "negative_mention"))
        for kind, every in (("contact", params.contact_every_days), ("negative_mention", params.negative_every_days)):
            at = join + float(rng.exponential(every))
            while at < end:
                customer.touches.append((at, kind))
                at += float(rng.exponential(every))
        customer.touches = sorted(t for t in customer.touches if join <= t[0] < end)
        population.append(customer)
    return population
