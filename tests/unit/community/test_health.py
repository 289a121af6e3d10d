"""The community health index: factors from events, percentiles, and the responder-drop scenario."""

from __future__ import annotations

import pytest

from infra.eval_health import evaluate
from talkworthy.community.factors import CommunityEvent, WeekFactors, week_factors
from talkworthy.community.health import score_weeks


def test_factors_count_people_not_staff_and_time_the_first_reply_by_someone_else() -> None:
    events = [
        CommunityEvent("user_created", 0, "ann"),
        CommunityEvent("topic_created", 0, "ann", "t1"),
        CommunityEvent("post_created", 100, "ann", "t1"),  # the author bumping it is not a reply
        CommunityEvent("post_created", 200, "staff", "t1", staff_or_bot=True),
        CommunityEvent("post_created", 3600, "bob", "t1"),
        CommunityEvent("topic_created", 10, "cy", "t2"),
        CommunityEvent("page_views", 5, value=1234),
    ]
    factors = week_factors(events)
    assert factors.values["members"] == 1
    assert factors.values["content"] == 4
    assert factors.values["traffic"] == 1234
    assert factors.values["liveliness"] == 1  # t1 has 3 posts
    assert factors.values["interaction"] == 2  # ann and bob converse in t1
    assert factors.first_reply_hours_median == pytest.approx(1.0)
    assert factors.values["responsiveness"] == pytest.approx(0.5 / (1 + 1 / 24))  # half the topics answered


def test_one_collapsing_factor_pulls_the_score_down() -> None:
    steady = WeekFactors(
        {f: 10.0 for f in ("members", "content", "traffic", "liveliness", "interaction")} | {"responsiveness": 0.8}, 2.0
    )
    weeks = [steady] * 10 + [WeekFactors({**steady.values, "responsiveness": 0.1}, 30.0)]
    scores = score_weeks(weeks)
    last = scores[-1]
    arithmetic = 100 * sum(last.percentiles.values()) / len(last.percentiles)
    assert last.score < arithmetic - 5  # a geometric mean: the collapse is not averaged away
    assert last.score < 0.7 * scores[-2].score
    assert last.movers[0] == "responsiveness"


def test_when_responders_halve_the_score_falls_and_names_responsiveness_within_two_weeks() -> None:
    figures = evaluate()
    assert figures["weeks_until_score_moved"] is not None
    assert figures["weeks_until_score_moved"] <= 2
    assert figures["weeks_until_responsiveness_named"] is not None
    assert figures["weeks_until_responsiveness_named"] <= 2


def test_the_first_reply_is_the_first_read_after_the_opening_by_someone_else_not_written_before_it() -> None:
    events = [
        CommunityEvent("post_created", 50, "bob", "t1"),  # before any opening: a post, not an answer
        CommunityEvent("topic_created", 100, "ann", "t1"),
        CommunityEvent("post_created", 90, "cy", "t1"),  # read after the opening but written before it
        CommunityEvent("post_created", 400, "ann", "t1"),  # the author is no answer
        CommunityEvent("post_created", 1900, "dee", "t1"),  # the first reply: 30 minutes
        CommunityEvent("post_created", 1000, "eve", "t1"),  # earlier, but read after the first reply
        CommunityEvent("topic_created", 5000, "fay", "t2"),
        CommunityEvent("post_created", 5000, "gus", "t2"),  # as it opened: no wait
    ]
    factors = week_factors(events)
    assert factors.first_reply_hours_median == pytest.approx((1800 / 3600 + 0) / 2)
    assert factors.reply_coverage == 1.0
    assert factors.values["content"] == 8
    assert factors.values["interaction"] == pytest.approx((5 + 2) / 2)  # bob, ann, cy, dee, eve; fay, gus
