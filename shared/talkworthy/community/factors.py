"""The six raw factors of one community week, computed over the week's events as columns.

=================  ==========================================================================
members            new members this week (growth)
content            topics and posts created
traffic            page views
liveliness         topics with at least ``LIVELY_POSTS`` posts this week
interaction        distinct participants per active topic (people conversing, not broadcasting)
responsiveness     share of new topics answered by someone other than the author within 24 h,
                   scaled down by the median time to that first reply
=================  ==========================================================================

Events are read in the order given, the brand's staff and bots left out (their page views still
count): a post answers the topic as last opened before it, when someone other than that opener
posts it no earlier than the opening, and the first such post is the topic's first reply.

One definition, two ways in: :func:`week_factors` takes :class:`CommunityEvent` tuples (the
evaluation's synthetic streams), the stored weeks build :class:`WeekColumns` themselves
(``community/activity_store.py``) without an object per event. Either way the work is a handful
of numpy passes over integer ids, not a dict and a set per topic: a million events take well
under a second (``make bench``, ``community.health_scoring``). numpy (already in the layer for
the digest's chart) is imported when a week is computed, not when this module is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "FACTORS",
    "KINDS",
    "CommunityEvent",
    "WeekColumns",
    "WeekFactors",
    "interned",
    "week_factors",
]

FACTORS = ("members", "content", "traffic", "liveliness", "interaction", "responsiveness")
KINDS = ("user_created", "topic_created", "post_created", "like", "page_views")  # a kind's code is its index
LIVELY_POSTS = 3
DAY_SECONDS = 86_400
_USER, _TOPIC, _POST, _LIKE, _VIEWS = range(len(KINDS))
_CODE = {kind: code for code, kind in enumerate(KINDS)}


class CommunityEvent(NamedTuple):  # a tuple: a million of them are built in a second, not five
    kind: str  # user_created | topic_created | post_created | like | page_views
    at: float  # epoch seconds
    user: str = ""
    topic: str = ""
    staff_or_bot: bool = False
    value: int = 1  # page views carry a count


@dataclass(frozen=True)
class WeekFactors:
    values: dict[str, float]
    first_reply_hours_median: float | None
    reply_coverage: float = 0.0  # share of the week's new topics answered by someone else within a day


def interned(names: Sequence[str]) -> list[int]:
    """Each name as a small integer id (the same name, the same id), in the names' order."""
    ids: dict[str, int] = {}
    return [ids.setdefault(name, len(ids)) for name in names]


@dataclass(frozen=True)
class WeekColumns:
    """A week's counted events as parallel arrays, in reading order (staff and bots already out)."""

    kind: NDArray[np.int8]  # index into KINDS; -1 for a kind the factors do not know
    at: NDArray[np.float64]
    user: NDArray[np.int64]  # interned ids
    topic: NDArray[np.int64]  # interned ids
    value: NDArray[np.int64]

    def factors(self) -> WeekFactors:
        import numpy as np

        kind, at, user, topic = self.kind, self.at, self.user, self.topic
        talk = (kind == _TOPIC) | (kind == _POST)
        opens = kind[talk] == _TOPIC
        # a topic's posts and its people, by topic id (every topic that was opened or posted in)
        t_topic, t_user, t_at = topic[talk], user[talk], at[talk]
        topics, users = (int(t_topic.max()) + 1, int(t_user.max()) + 1) if t_topic.size else (0, 1)
        posts = np.bincount(t_topic, minlength=topics)
        pairs = np.sort(t_topic * users + t_user)
        people = np.bincount(pairs[_starts(pairs)] // users, minlength=topics)  # distinct (topic, user) pairs
        active = posts >= 2
        waits = _first_reply_waits(t_topic, t_user, t_at, opens)
        n_waits, n_opened = int(waits.size), int(np.count_nonzero(np.bincount(t_topic[opens], minlength=topics)))
        median_hours = None
        if n_waits:
            middle = n_waits // 2
            median = float(waits[middle]) if n_waits % 2 else (float(waits[middle - 1]) + float(waits[middle])) / 2
            median_hours = median / 3600
        coverage = int(np.count_nonzero(waits <= DAY_SECONDS)) / n_opened if n_opened else 0.0
        speed = 1.0 / (1.0 + (median_hours or 24.0) / 24.0)
        n_active = int(np.count_nonzero(active))
        return WeekFactors(
            {
                "members": float(np.count_nonzero(kind == _USER)),
                "content": float(t_topic.size),
                "traffic": float(int(self.value[kind == _VIEWS].sum())),
                "liveliness": float(np.count_nonzero(posts >= LIVELY_POSTS)),
                "interaction": int(people[active].sum()) / n_active if n_active else 0.0,
                "responsiveness": coverage * speed,
            },
            median_hours,
            coverage,
        )


def _first_reply_waits(
    topic: NDArray[np.int64], user: NDArray[np.int64], at: NDArray[np.float64], opens: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Sorted seconds from each topic's opening to its first reply by someone else (topics answered only)."""
    import numpy as np

    order = np.argsort(topic, kind="stable")  # each topic's events together, in reading order
    topic, user, at, opens = topic[order], user[order], at[order], opens[order]
    rows = np.arange(topic.size)
    first_row = np.maximum.accumulate(np.where(_starts(topic), rows, 0))
    opener = np.maximum.accumulate(np.where(opens, rows, -1))  # the topic's latest opening so far
    opener_seen = opener >= first_row  # (an opening of an earlier topic is not this topic's)
    safe = np.where(opener_seen, opener, 0)
    reply = ~opens & opener_seen & (user != user[safe]) & (at >= at[safe])
    replies = np.flatnonzero(reply)
    first = replies[_starts(topic[replies])]
    return np.sort(at[first] - at[safe[first]])


def _starts(grouped: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Where each run of equal values begins in ``grouped`` (sorted or grouped)."""
    import numpy as np

    return np.r_[True, grouped[1:] != grouped[:-1]][: grouped.size]


def week_factors(events: Iterable[CommunityEvent]) -> WeekFactors:
    """The six raw factors of one week's events (in the order given; staff and bots left out)."""
    import numpy as np

    rows = events if isinstance(events, Sequence) else list(events)
    kinds, ats, users, topics, staff, values = (list(map(itemgetter(field), rows)) for field in range(6))
    kind = np.array([_CODE.get(k, -1) for k in kinds], dtype=np.int8)
    kept = ~np.array(staff, dtype=bool) | (kind == _VIEWS)
    return WeekColumns(
        kind=kind[kept],
        at=np.array(ats, dtype=np.float64)[kept],
        user=np.array(interned(users), dtype=np.int64)[kept],
        topic=np.array(interned(topics), dtype=np.int64)[kept],
        value=np.array(values, dtype=np.int64)[kept],
    ).factors()
