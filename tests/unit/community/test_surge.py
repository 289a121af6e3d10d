"""Surge detection: the statistics, the state machine, and its figures on synthetic streams."""

from __future__ import annotations

import math

import pytest

from infra.eval_surges import evaluate
from talkworthy.community.surge import WEEK_BUCKETS, Expectation, SurgeDetector, SurgeState, expectation, poisson_tail


@pytest.mark.parametrize(("count", "rate"), [(0, 3.0), (1, 3.0), (5, 3.0), (12, 3.0), (40, 10.0), (3, 50.0)])
def test_poisson_tail_matches_the_direct_sum(count: int, rate: float) -> None:
    direct = 1 - sum(math.exp(-rate) * rate**i / math.factorial(i) for i in range(count))
    assert poisson_tail(count, rate) == pytest.approx(direct, rel=1e-9, abs=1e-15)


def test_the_expectation_is_the_same_bucket_of_past_weeks_when_there_are_enough() -> None:
    history = {1000 - w * WEEK_BUCKETS: c for w, c in ((1, 10), (2, 12), (3, 11), (4, 40))}
    expected = expectation(history.get, 1000, SurgeDetector().config)
    assert (expected.basis, expected.median) == ("same-hour-of-week", 11.5)  # one odd week does not move it


def test_a_new_topic_falls_back_to_recent_buckets_then_to_the_floor() -> None:
    recent = {999: 4, 998: 6}
    assert expectation(recent.get, 1000, SurgeDetector().config).basis == "recent"
    assert expectation(lambda _: None, 1000, SurgeDetector().config) == Expectation(1.0, 1.0, "floor")


def _feed(detector: SurgeDetector, counts: list[int], median: float = 5.0) -> list[str | None]:
    state, kinds = SurgeState(), []
    for bucket, count in enumerate(counts):
        step = detector.step(state, detector.signal(bucket, count, Expectation(median, 2.0, "recent")))
        state = step.state
        kinds.append(step.kind)
    return kinds


def test_opens_after_two_unusual_buckets_and_resolves_after_a_quiet_period() -> None:
    kinds = _feed(SurgeDetector(), [5, 60, 70, 80, 20, 6, 5, 4, 5])
    assert kinds == [None, None, "detected", "updated", "updated", "updated", "updated", "resolved", None]


def test_one_unusual_bucket_or_a_small_count_is_not_a_surge() -> None:
    assert _feed(SurgeDetector(), [5, 60, 5, 5]) == [None, None, None, None]
    assert _feed(SurgeDetector(), [0, 9, 9, 9], median=0.2) == [None, None, None, None]  # below min_count


def test_on_synthetic_streams_spikes_are_caught_fast_without_false_alarms() -> None:
    """Floors just under the first run (6 streams, 24 simulated weeks; see infra/eval_surges.py)."""
    figures = evaluate(streams=6)
    spikes = figures["by_incident"]
    assert spikes["spike-30x"]["detected"] == 1.0
    assert spikes["spike-10x"]["detected"] >= 0.95
    assert spikes["spike-10x"]["delay_median_min"] <= 15
    assert spikes["ramp-5x"]["detected"] >= 0.8
    assert figures["false_alarms_per_week"] <= 0.1
    assert figures["slack_posts_per_incident_max"] == 1
