"""The weekly digest from stored weeks: the index, its words, its chart."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest

from infra.eval_health import DROP_WEEK, WEEK, synthetic_community
from talkworthy.community.activity_store import InMemoryActivityStore
from talkworthy.community.chart import PNG_MAGIC, render_chart
from talkworthy.community.digest import compose_digest
from talkworthy.usecases.community_health import weekly_scores
from tests.unit.community.activity_helpers import COMMUNITY, activity

FIRST_MONDAY = date(2026, 1, 5)


def _on_mondays(weeks: int) -> InMemoryActivityStore:
    """The synthetic community (responders halve at DROP_WEEK) replayed onto Monday-aligned weeks."""
    store = InMemoryActivityStore()
    shift = datetime.combine(FIRST_MONDAY, datetime.min.time(), UTC).timestamp()
    for number, events in enumerate(synthetic_community()[:weeks]):
        for e in events:
            at = shift + (e.at - number * WEEK) % WEEK + number * WEEK  # keep each week inside its Monday week
            if e.kind == "page_views":
                store.set_traffic(COMMUNITY, FIRST_MONDAY + timedelta(weeks=number), e.value)
            else:
                store.record(activity(e.kind, at, e.user, e.topic, staff=e.staff_or_bot))
    return store


@pytest.fixture(scope="module")
def store() -> InMemoryActivityStore:
    return _on_mondays(DROP_WEEK + 2)


def test_the_stored_weeks_show_the_drop_within_two_weeks_and_name_responsiveness(store):
    before = weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK - 1))
    after = [weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK + n))[-1] for n in (0, 1)]

    assert len(before) == DROP_WEEK  # every week since the first, each against its own past
    usual = sum(w.score.score for w in before[-6:]) / 6
    assert min(w.score.score for w in after) < usual - 10
    assert any("responsiveness" in w.score.movers for w in after)


def test_the_digest_says_it_in_words(store):
    weeks = weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK))
    digest = compose_digest("Acme Community", COMMUNITY, weeks)

    first, second, third, *rest = digest.text.splitlines()
    assert first.startswith(f"*Acme Community: community health {digest.score:.0f}/100* (down ")
    assert second == "Week of 25 May to 31 May 2026."
    assert third.startswith("What changed most this week: *")
    assert "*answered by the community*" in third
    factors = [line for line in rest if line.startswith("• ")]
    assert [line.split(":")[0] for line in factors] == [
        "• New members",
        "• Conversations",
        "• Visits",
        "• Lively topics",
        "• People talking together",
        "• Answered by the community",
    ]
    assert "worse than" in factors[-1]
    assert "first reply after" in factors[-1]
    assert digest.movers == weeks[-1].score.movers
    assert digest.change is not None
    assert digest.change < 0


def test_a_community_without_last_week_has_no_scores_to_post():
    store = InMemoryActivityStore()
    store.record(activity("user_created", datetime(2026, 3, 2, tzinfo=UTC).timestamp(), "u1"))

    weeks = weekly_scores(store, COMMUNITY, date(2026, 3, 9))

    assert [w.week_start for w in weeks] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert weeks[-1].factors.values["members"] == 0


def test_the_chart_is_a_png_of_the_weeks(store):
    from PIL import Image

    weeks = weekly_scores(store, COMMUNITY, FIRST_MONDAY + timedelta(weeks=DROP_WEEK))
    png = render_chart("Acme Community", weeks)

    assert png.startswith(PNG_MAGIC)
    assert Image.open(io.BytesIO(png)).size == (800, 450)
