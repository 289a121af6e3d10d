"""EventBridge schedule expressions fire when AWS says they do (examples from the EventBridge docs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.provision import ScheduleSource
from infra.local.runtime import ScheduleWorker
from infra.local.schedules import CronExpression, next_fire, rate_seconds
from infra.local.trace import Trace


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def minute(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def upcoming(expression: str, after: datetime, count: int = 3) -> list[datetime | None]:
    found: list[datetime | None] = []
    moment: datetime | None = after
    for _ in range(count):
        moment = next_fire(expression, moment) if moment else None
        found.append(moment)
    return found


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # every day at 10:00, strictly after the moment given
        ("cron(0 10 * * ? *)", "2026-03-10 10:00", ["2026-03-11 10:00", "2026-03-12 10:00", "2026-03-13 10:00"]),
        # 18:00 Monday to Friday: Friday evening -> Monday
        ("cron(0 18 ? * MON-FRI *)", "2026-03-13 19:00", ["2026-03-16 18:00", "2026-03-17 18:00", "2026-03-18 18:00"]),
        # every 15 minutes
        ("cron(0/15 * * * ? *)", "2026-03-10 10:07", ["2026-03-10 10:15", "2026-03-10 10:30", "2026-03-10 10:45"]),
        # every 5 minutes between 8:00 and 17:55, Monday to Friday
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            "2026-03-13 17:52",
            ["2026-03-13 17:55", "2026-03-16 08:00", "2026-03-16 08:05"],
        ),
        # the 30th of each month: February has none
        ("cron(0 0 30 * ? *)", "2026-01-30 00:00", ["2026-03-30 00:00", "2026-04-30 00:00", "2026-05-30 00:00"]),
        # last day of the month, leap years included
        ("cron(0 12 L * ? *)", "2028-01-31 12:00", ["2028-02-29 12:00", "2028-03-31 12:00", "2028-04-30 12:00"]),
        # last Friday of the month
        ("cron(0 10 ? * 6L *)", "2026-02-01 00:00", ["2026-02-27 10:00", "2026-03-27 10:00", "2026-04-24 10:00"]),
        # first Monday of the month (2 = MON)
        ("cron(0 9 ? * 2#1 *)", "2026-02-03 00:00", ["2026-03-02 09:00", "2026-04-06 09:00", "2026-05-04 09:00"]),
        # L in day-of-week is SAT
        ("cron(0 12 ? * L *)", "2026-03-10 00:00", ["2026-03-14 12:00", "2026-03-21 12:00", "2026-03-28 12:00"]),
        # names and lists, months by name
        (
            "cron(30 6 1,15 JAN,JUL ? *)",
            "2026-01-20 00:00",
            ["2026-07-01 06:30", "2026-07-15 06:30", "2027-01-01 06:30"],
        ),
        # the year field
        ("cron(0/15 * * * ? 2027)", "2026-06-01 00:00", ["2027-01-01 00:00", "2027-01-01 00:15", "2027-01-01 00:30"]),
        ("cron(0 0 1 1 ? 2025-2026)", "2025-06-01 00:00", ["2026-01-01 00:00", None, None]),
    ],
)
def test_cron_fires_at_the_documented_times(expression: str, after: str, expected: list[str | None]) -> None:
    assert upcoming(expression, minute(after)) == [minute(e) if e else None for e in expected]


@pytest.mark.parametrize(
    ("day_field", "month", "expected_day"),
    [
        ("15W", 2, 16),  # 15 Feb 2026 is a Sunday: the Monday after
        ("15W", 8, 14),  # 15 Aug 2026 is a Saturday: the Friday before
        ("1W", 8, 3),  # 1 Aug 2026 is a Saturday: not into July, so Monday the 3rd
        ("31W", 5, 29),  # 31 May 2026 is a Sunday: not into June, so Friday the 29th
        ("LW", 5, 29),  # last weekday of May 2026
        ("10W", 3, 10),  # a Tuesday is its own nearest weekday
    ],
)
def test_w_is_the_nearest_weekday_within_the_month(day_field: str, month: int, expected_day: int) -> None:
    fired = next_fire(f"cron(0 9 {day_field} * ? 2026)", at(2026, month, 1) - timedelta(minutes=1))
    assert fired == at(2026, month, expected_day, 9)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("cron(0 10 * * *)", "6 fields"),  # Unix cron
        ("cron(0 10 * * MON *)", "exactly one"),  # both day fields set
        ("cron(0 10 ? * ? *)", "exactly one"),  # neither
        ("cron(60 10 * * ? *)", "outside 0-59"),
        ("cron(0/0 10 * * ? *)", "bad step"),
        ("cron(0 10 * * ? 1969)", "outside 1970-2199"),
        ("cron(0 10 ? * 8 *)", "outside 1-7"),
        ("cron(0 10 ? * MON#6 *)", "outside 1-5"),
        ("cron(0 10 32W * ? *)", "outside 1-31"),
        ("cron(0 10 ? * FRI-MON *)", "empty range"),
        ("cron(? 10 * * ? *)", "not a value"),
        ("every 5 minutes", "6 fields"),
        ("rate(0 minutes)", "not a rate"),
        ("rate(5 weeks)", "not a rate"),
    ],
)
def test_malformed_expressions_are_refused(expression: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        next_fire(expression, minute("2026-01-01 00:00"))


def test_rate_expressions() -> None:
    assert rate_seconds("rate(15 minutes)") == 900
    assert rate_seconds("rate(1 hour)") == 3600
    assert rate_seconds("rate(2 days)") == 172800
    assert rate_seconds("rate(1 second)") == 1  # local only: the demo's short surge buckets
    assert CronExpression.parse("cron(0 10 * * ? *)").hours == {10}


class Probe:
    short_name = "probe"
    account = "123456789012"
    region = "us-east-1"

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> None:
        self.events.append(event)


def _worker(expression: str, clock: list[datetime], timezone: str = "UTC") -> tuple[ScheduleWorker, Probe]:
    probe = Probe()
    source = ScheduleSource("probe-Tick", expression, timezone)
    worker = ScheduleWorker(probe, source, Trace(stream=None), clock=lambda: clock[0])  # type: ignore[arg-type]
    return worker, probe


def test_a_cron_schedule_fires_at_its_minute_not_at_start() -> None:
    clock = [at(2026, 3, 10, 9, 58)]
    worker, probe = _worker("cron(0 10 * * ? *)", clock)
    assert not worker.due()
    clock[0] = at(2026, 3, 10, 10, 0, 1)
    assert worker.due()
    worker.fire()
    assert not worker.due()
    assert worker.next_at == at(2026, 3, 11, 10)
    assert probe.events[0]["detail-type"] == "Scheduled Event"
    assert probe.events[0]["resources"][0].endswith(":rule/probe-Tick")


def test_a_rate_schedule_fires_at_start_then_every_period() -> None:
    clock = [at(2026, 3, 10, 9, 0)]
    worker, probe = _worker("rate(15 minutes)", clock)
    assert worker.due()
    worker.fire()
    clock[0] = at(2026, 3, 10, 9, 14)
    assert not worker.due()
    clock[0] = at(2026, 3, 10, 9, 15)
    assert worker.due()
    assert len(probe.events) == 1


def test_a_schedule_v2_cron_runs_in_its_time_zone() -> None:
    clock = [at(2026, 1, 10, 7, 0)]  # 08:00 in Berlin (CET, UTC+1)
    worker, _ = _worker("cron(0 9 * * ? *)", clock, timezone="Europe/Berlin")
    assert worker.next_at is not None
    assert worker.next_at.astimezone(UTC) == at(2026, 1, 10, 8, 0)
