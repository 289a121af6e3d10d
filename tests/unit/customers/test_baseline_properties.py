"""Redelivered and out-of-order signals leave the same baseline as in-order delivery (property tests).

Exact for any arrival order in which no order arrives after more than ``ORDER_WINDOW`` newer orders
of the same customer (the window the baseline keeps exactly); every delivery may be repeated.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from talkworthy.customers.baseline import DAY, ORDER_WINDOW, TOUCH_WINDOW, Baseline, Signal, short_key
from talkworthy.customers.record import CustomerRecord, decode, encode

KINDS = ["order", "order", "order", "login", "contact", "case", "negative_mention", "cancellation", "downgrade"]


@st.composite
def histories(draw: st.DrawFn, max_size: int = 80) -> list[Signal]:
    n = draw(st.integers(min_value=1, max_value=max_size))
    at, signals = 0, []
    for i in range(n):
        at += draw(st.integers(min_value=0, max_value=40 * DAY))  # ties happen: gap 0
        kind = draw(st.sampled_from(KINDS))
        amount = (
            draw(st.one_of(st.none(), st.floats(min_value=0, max_value=5000, allow_nan=False)))
            if kind == "order"
            else None
        )
        signals.append(Signal(at, short_key(f"event-{i}"), kind, amount, f"note {i}"))  # type: ignore[arg-type]
    return signals


def _state(signals: list[Signal]) -> str:
    baseline = Baseline("c-1")
    for signal in signals:
        baseline.apply(signal)
    return encode(CustomerRecord(baseline))


def _bounded_shuffle(signals: list[Signal], seed: int, window: int) -> list[Signal]:
    """A reordering in which each signal arrives after fewer than ``window`` signals that are newer."""
    rng = random.Random(seed)
    return [s for _, s in sorted(((i + rng.uniform(0, window), s) for i, s in enumerate(signals)), key=lambda p: p[0])]


def _with_redeliveries(signals: list[Signal], seed: int) -> list[Signal]:
    rng = random.Random(seed)
    out: list[Signal] = []
    for signal in signals:
        out.append(signal)
        if rng.random() < 0.3:  # SQS and the bus redeliver soon after the first delivery
            out.insert(rng.randint(max(0, len(out) - 4), len(out)), signal)
    return out


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(min_value=0, max_value=2**32))
def test_any_arrival_order_within_the_window_with_redeliveries_gives_the_in_order_baseline(
    signals: list[Signal], seed: int
) -> None:
    in_order = _state(sorted(signals))
    shuffled = _with_redeliveries(_bounded_shuffle(sorted(signals), seed, ORDER_WINDOW - 5), seed)
    assert _state(shuffled) == in_order


@settings(max_examples=100, deadline=None)
@given(histories(max_size=ORDER_WINDOW), st.randoms(use_true_random=False))
def test_a_history_that_fits_the_window_is_exact_in_any_order(signals: list[Signal], rng: random.Random) -> None:
    shuffled = list(signals) * 2
    rng.shuffle(shuffled)
    assert _state(shuffled) == _state(sorted(signals))


@settings(max_examples=100, deadline=None)
@given(histories())
def test_redelivering_everything_changes_nothing(signals: list[Signal]) -> None:
    baseline = Baseline("c-1")
    for signal in signals:
        baseline.apply(signal)
    before = encode(CustomerRecord(baseline))
    assert all(baseline.apply(signal) != "added" for signal in signals)
    assert encode(CustomerRecord(baseline)) == before


def test_an_order_older_than_the_folded_ones_is_refused_not_folded_out_of_order() -> None:
    baseline = Baseline("c-1")
    for i in range(1, ORDER_WINDOW + 3):
        baseline.apply(Signal(i * 10 * DAY, short_key(f"o{i}"), "order", 10.0))
    assert baseline.folded.count == 2
    assert baseline.apply(Signal(5 * DAY, short_key("late"), "order", 10.0)) == "too_late"
    assert baseline.folded.count == 2
    assert baseline.summary().count == ORDER_WINDOW + 2


def test_the_summary_is_the_in_order_ewma_over_every_order() -> None:
    gaps = [10, 12, 30, 8, 20] * 8  # 41 orders: most folded
    at, baseline, orders = 0, Baseline("c-1"), []
    for i, gap in enumerate(gaps):
        at += gap * DAY
        orders.append(Signal(at, short_key(f"o{i}"), "order", float(i)))
    for order in reversed(orders[-ORDER_WINDOW:]):  # the newest first...
        baseline.apply(order)
    for order in orders[:-ORDER_WINDOW]:  # ...then the older ones, still within the window
        assert baseline.apply(order) == "added"
    s = baseline.summary()
    assert s.count == len(gaps)
    assert s.gaps == len(gaps) - 1
    assert s.total == sum(range(len(gaps)))
    expected = float(gaps[1])  # the first gap is from order 1 to order 2
    for k, gap in enumerate(gaps[2:], start=2):
        expected += max(0.15, 1 / k) * (gap - expected)
    assert abs(s.gap_slow - expected) < 1e-9


def test_only_the_newest_touches_are_kept_and_pressure_decays() -> None:
    baseline = Baseline("c-1")
    for i in range(TOUCH_WINDOW + 5):
        baseline.apply(Signal(i * DAY, short_key(f"t{i}"), "contact"))
    assert len(baseline.touches) == TOUCH_WINDOW
    assert baseline.touches[0].at == 5 * DAY
    now = (TOUCH_WINDOW + 4) * DAY
    assert baseline.pressure(frozenset({"contact"}), now) > baseline.pressure(frozenset({"contact"}), now + 30 * DAY)
    assert baseline.pressure(frozenset({"case"}), now) == 0.0


def test_the_record_round_trips_through_its_stored_form() -> None:
    baseline = Baseline("c-1", email="dana@globex.example")
    for i in range(30):
        baseline.apply(Signal(i * 9 * DAY, short_key(f"o{i}"), "order", 12.5 * i))
    baseline.apply(Signal(3 * DAY, short_key("c"), "case", None, "case TW-1: export fails"))
    record = CustomerRecord(baseline, tolerance=1.5, snoozed_until=99, alerted_episode="x", applied_actions=["a"])
    assert encode(decode(encode(record), 3)) == encode(record)
    assert decode(encode(record), 3).version == 3
