"""Influence: bounded 0..100, monotonic in every input, log-scaled, robust to unknowns."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkworthy.catalog.mention import Engagement, Influence
from talkworthy.enrichment.influence import influence_score


@dataclass(frozen=True)
class VendorEngagement:
    """A vendor payload where some counts are unknown."""

    likes: int | None = None
    shares: int | None = None
    replies: int | None = None


counts = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**15))
reputations = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0.0, max_value=1.0)
)
engagements = st.one_of(st.none(), st.builds(VendorEngagement, counts, counts, counts))


def _audience_points(audience: int) -> float:
    return influence_score(audience).components["audience"]


def test_nothing_known_scores_zero_with_zero_confidence() -> None:
    result = influence_score(None, None, None)

    assert result.score == 0
    assert result.components == {"audience": 0.0, "engagement": 0.0, "reputation": 0.0}
    assert result.provenance.confidence == 0.0
    assert (result.provenance.provider, result.provenance.model) == ("talkworthy", "influence-log")


def test_everything_saturated_scores_100() -> None:
    result = influence_score(50_000_000, Engagement(likes=10**6, shares=10**6, replies=10**6), 1.0)

    assert result.score == 100
    assert result.provenance.confidence == 1.0


def test_log_scaled_a_thousand_times_the_audience_is_about_twice_the_points() -> None:
    thousand, million = _audience_points(1_000), _audience_points(1_000_000)

    assert influence_score(1_000).score == 26
    assert influence_score(1_000_000).score == 51
    assert million / thousand == pytest.approx(2.0, rel=0.01)


def test_each_tenfold_of_audience_adds_the_same_points() -> None:
    steps = [
        _audience_points(10**k) - _audience_points(10 ** (k - 1)) for k in range(4, 8)
    ]  # from 1k up, where the +1 in log10(1 + n) is negligible

    assert max(steps) - min(steps) < 0.05
    assert steps[0] == pytest.approx(60 / math.log10(10_000_001), rel=0.01)


def test_documented_example() -> None:
    # 1k followers, 10 likes + 2*2 shares + 1.5*1 reply = 15.5 interactions, reputation 0.5
    result = influence_score(1_000, Engagement(likes=10, shares=2, replies=1), 0.5)

    expected = 60 * math.log10(1_001) / math.log10(10_000_001) + 25 * math.log10(16.5) / math.log10(100_001) + 15 * 0.5
    assert sum(result.components.values()) == pytest.approx(expected)
    assert result.score == round(expected) == 39


def test_shares_weigh_more_than_likes() -> None:
    likes = influence_score(None, Engagement(likes=100)).components["engagement"]
    shares = influence_score(None, Engagement(shares=100)).components["engagement"]

    assert shares > likes


def test_trust_level_counts_like_reputation() -> None:
    assert influence_score(None, trust_level=4).score == influence_score(None, reputation=1.0).score == 15
    assert influence_score(None, reputation=0.2, trust_level=2).components["reputation"] == 7.5  # the better


def test_partial_engagement_and_bad_values_do_not_crash() -> None:
    result = influence_score(-5, VendorEngagement(likes=None, shares=3, replies=None), float("nan"))

    assert result.components["audience"] == 0.0
    assert result.components["engagement"] > 0.0
    assert result.components["reputation"] == 0.0
    assert result.provenance.confidence == pytest.approx(0.25)  # only engagement is known


def test_catalog_block() -> None:
    result = influence_score(12_000, Engagement(likes=40))

    influence = result.to_influence()
    assert isinstance(influence, Influence)
    assert influence.score == result.score


@given(counts, engagements, reputations, st.one_of(st.none(), st.integers(min_value=-3, max_value=10)))
def test_bounded_and_consistent(
    audience: int | None, engagement: VendorEngagement | None, reputation: float | None, trust: int | None
) -> None:
    result = influence_score(audience, engagement, reputation, trust_level=trust)

    assert 0 <= result.score <= 100
    assert all(points >= 0.0 for points in result.components.values())
    assert abs(sum(result.components.values()) - result.score) <= 0.5 + 1e-9
    assert 0.0 <= result.provenance.confidence <= 1.0


@given(counts, counts, engagements, reputations)
def test_monotonic_in_audience(
    a: int | None, b: int | None, engagement: VendorEngagement | None, rep: float | None
) -> None:
    low, high = sorted((a or 0, b or 0))

    assert influence_score(low, engagement, rep).score <= influence_score(high, engagement, rep).score


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.sampled_from(["likes", "shares", "replies"]), counts)
def test_monotonic_in_engagement(a: int, b: int, which: str, audience: int | None) -> None:
    low, high = sorted((a, b))

    lower = influence_score(audience, VendorEngagement(**{which: low}))
    higher = influence_score(audience, VendorEngagement(**{which: high}))

    assert lower.score <= higher.score
    assert lower.components["engagement"] <= higher.components["engagement"]


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), counts)
def test_monotonic_in_reputation(a: float, b: float, audience: int | None) -> None:
    low, high = sorted((a, b))

    assert influence_score(audience, None, low).score <= influence_score(audience, None, high).score
