"""EventBridge schedule expressions: when ``rate(...)`` and ``cron(...)`` fire next.

``cron(minutes hours day-of-month month day-of-week year)`` follows EventBridge's rules, which are
not Unix cron's: six fields, a year field (1970-2199), days of the week 1-7 = SUN-SAT, and exactly
one of day-of-month / day-of-week must be ``?``. Wildcards: ``, - * /`` in every field, ``?`` in
the two day fields, ``L`` (last day of the month; in day-of-week ``L`` is SAT and ``5L`` the last
THU of the month), ``W`` (``15W``: the weekday nearest the 15th, within the month; ``LW``: the last
weekday) and ``#`` (``6#3``: the third FRI). No library on the registries evaluates this dialect
in full (pyawscron crashes on ``cron(0 0 30 * ? *)`` in February; cronsim has no ``W`` nor a year
field), so this small evaluator does, checked against known expressions in the unit tests.
One local extension: ``rate(N seconds)`` (EventBridge's shortest rate is a minute), which only a
local parameter sets (``SurgeScanSchedule`` for the demo's buckets of a few seconds).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = ["CronExpression", "next_fire", "rate_seconds"]

_RATE = re.compile(r"^rate\((\d+) (second|seconds|minute|minutes|hour|hours|day|days)\)$")
_UNIT = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}  # seconds: local only (EventBridge's least is a minute)
_MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
_LAST_YEAR = 2199


def rate_seconds(expression: str) -> int:
    match = _RATE.match(expression)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"not a rate expression: {expression!r}")
    return int(match.group(1)) * _UNIT[match.group(2).rstrip("s")]


def _number(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise ValueError(f"{text!r} is not a value here")
        value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} is outside {low}-{high}")
    return value


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """``, - * /``."""
    found: set[int] = set()
    for part in field.split(","):
        base, slash, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 0
        if slash and step < 1:
            raise ValueError(f"bad step in {part!r}")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, low, high, names or {}), _number(last, low, high, names or {})
        else:
            start = _number(base, low, high, names or {})
            end = high if slash else start
        if start > end:
            raise ValueError(f"empty range {part!r}")
        found.update(range(start, end + 1, step or 1))
    return frozenset(found)


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Monday is 0 in Python, 2 in EventBridge


def _nearest_weekday(year: int, month: int, day: int) -> int | None:
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return None
    weekday = date(year, month, day).weekday()
    if weekday == 5:  # Saturday: the Friday before, unless that is in the previous month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, unless that is in the next month
        return day + 1 if day < last else day - 2
    return day


@dataclass(frozen=True)
class CronExpression:
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day_of_month: str
    day_of_week: str

    @classmethod
    def parse(cls, expression: str) -> CronExpression:
        match = re.fullmatch(r"cron\((.*)\)", expression.strip())
        fields = match.group(1).split() if match else []
        if len(fields) != 6:
            raise ValueError(f"a cron expression has 6 fields: {expression!r}")
        minutes, hours, dom, month, dow, year = (f.upper() for f in fields)
        if (dom == "?") == (dow == "?"):
            raise ValueError(f"exactly one of day-of-month and day-of-week must be '?': {expression!r}")
        cron = cls(
            _values(minutes, 0, 59),
            _values(hours, 0, 23),
            _values(month, 1, 12, _MONTHS),
            _values(year, 1970, _LAST_YEAR),
            dom,
            dow,
        )
        for offset in range(7):  # a malformed day field raises on one of the days of a week
            cron._day_matches(date(2000, 1, 1 + offset))
        return cron

    def _day_matches(self, day: date) -> bool:
        if self.day_of_month != "?":
            return self._dom_matches(day)
        return self._dow_matches(day)

    def _dom_matches(self, day: date) -> bool:
        field, last = self.day_of_month, calendar.monthrange(day.year, day.month)[1]
        if field == "L":
            return day.day == last
        if field == "LW":
            return day.day == _nearest_weekday(day.year, day.month, last)
        if field.endswith("W"):
            return day.day == _nearest_weekday(day.year, day.month, _number(field[:-1], 1, 31, {}))
        return day.day in _values(field, 1, 31)

    def _dow_matches(self, day: date) -> bool:
        field, weekday = self.day_of_week, _aws_weekday(day)
        if field == "L":
            return weekday == _DAYS["SAT"]
        if field.endswith("L"):
            last = calendar.monthrange(day.year, day.month)[1]
            return weekday == _number(field[:-1], 1, 7, _DAYS) and day.day + 7 > last
        if "#" in field:
            name, nth = field.split("#", 1)
            return weekday == _number(name, 1, 7, _DAYS) and (day.day - 1) // 7 + 1 == _number(nth, 1, 5, {})
        return weekday in _values(field, 1, 7, _DAYS)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first matching minute strictly after ``moment``, in ``moment``'s time zone."""
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        while day.year <= _LAST_YEAR:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
                continue
            if day.month not in self.months:
                day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
                continue
            if self._day_matches(day):
                first = (start.hour, start.minute) if day == start.date() else (0, 0)
                for hour in sorted(h for h in self.hours if h >= first[0]):
                    low = first[1] if hour == first[0] else 0
                    minute = min((m for m in self.minutes if m >= low), default=None)
                    if minute is not None:
                        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=moment.tzinfo)
            day += timedelta(days=1)
        return None


def next_fire(expression: str, after: datetime) -> datetime | None:
    """When a ``rate(...)`` or ``cron(...)`` schedule fires next after ``after`` (None: never again)."""
    if expression.startswith("rate("):
        return after + timedelta(seconds=rate_seconds(expression))
    return CronExpression.parse(expression).next_after(after)
