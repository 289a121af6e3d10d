"""Weekly aggregates give the same six factors as the raw events, whatever the order or the repeats."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from infra.eval_health import WEEK, synthetic_community
from talkworthy.community.activity_store import InMemoryActivityStore, week_of
from talkworthy.community.factors import week_factors
from tests.unit.community.activity_helpers import COMMUNITY, activity, as_activities

MONDAY = datetime(2026, 11, 23, tzinfo=UTC).timestamp()


def _stored_factors(store: InMemoryActivityStore, start: date):
    return store.week(COMMUNITY, start).factors()


@pytest.mark.parametrize("week", [3, 25])
def test_a_stored_week_has_the_factors_of_its_events(week):
    events = synthetic_community()[week]
    store = InMemoryActivityStore()
    for each in as_activities(events):
        store.record(each)
    start = week_of(datetime.fromtimestamp(week * WEEK + 1, UTC))
    store.set_traffic(COMMUNITY, start, sum(e.value for e in events if e.kind == "page_views"))

    expected = week_factors([e for e in events if week_of(datetime.fromtimestamp(e.at, UTC)) == start])
    assert _stored_factors(store, start).values == pytest.approx(expected.values)


def test_redelivered_and_reordered_activity_changes_nothing():
    events = synthetic_community()[5]
    once, shuffled = InMemoryActivityStore(), InMemoryActivityStore()
    activities = as_activities(events)
    for each in activities:
        once.record(each)
    again = activities * 2
    random.Random(7).shuffle(again)
    for each in again:
        shuffled.record(each)

    start = week_of(datetime.fromtimestamp(5 * WEEK + 1, UTC))
    assert shuffled.week(COMMUNITY, start) == once.week(COMMUNITY, start)
    assert _stored_factors(shuffled, start).values["responsiveness"] > 0


def test_staff_and_bots_are_not_counted_and_a_reply_by_the_author_is_no_answer():
    store = InMemoryActivityStore()
    store.record(activity("topic_created", MONDAY + 10, "u1", "t1"))
    assert store.record(activity("post_created", MONDAY + 60, "staff-1", "t1", staff=True)) is False
    assert store.record(activity("user_created", MONDAY + 70, "bot", bot=True)) is False
    store.record(activity("post_created", MONDAY + 90, "u1", "t1"))  # the author again
    start = week_of(datetime.fromtimestamp(MONDAY, UTC))

    factors = _stored_factors(store, start)
    assert factors.values["members"] == 0
    assert factors.values["responsiveness"] == 0.0  # nobody else answered
    store.record(activity("post_created", MONDAY + 3600, "u2", "t1"))
    answered = _stored_factors(store, start)
    assert answered.first_reply_hours_median == pytest.approx((3600 - 10) / 3600)
    assert answered.values["interaction"] == 2.0
    assert store.communities() == [COMMUNITY]


def test_activity_belongs_to_the_week_it_happened_in():
    sunday_night = datetime(2026, 11, 29, 23, 59, tzinfo=UTC)
    assert week_of(sunday_night) == date(2026, 11, 23)
    assert week_of(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == date(2026, 11, 30)


def test_an_actor_with_a_bar_in_the_name_is_read_whole():
    store = InMemoryActivityStore()
    store.record(activity("topic_created", MONDAY + 10, "u1", "t1"))
    store.record(activity("post_created", MONDAY + 7200, "ann|b", "t1", post_id="p2"))
    store.record(activity("post_created", MONDAY + 9000, "ann", "t1", post_id="p3"))
    factors = _stored_factors(store, week_of(datetime.fromtimestamp(MONDAY, UTC)))

    assert factors.values["interaction"] == 3.0  # u1, "ann|b" and ann are three people
    assert factors.first_reply_hours_median == pytest.approx((7200 - 10) / 3600)
