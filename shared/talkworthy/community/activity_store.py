"""Weekly per-community aggregates of community activity: enough for the health index's six factors.

One partition per community and week (its Monday, UTC, by when the activity happened, not when it
arrived): ``TOTALS`` holds the week's new members and likes as string sets; one ``TOPIC#<topic>``
item per topic active that week holds who opened it and when (if it opened that week) and its
replies as ``<post id>|<epoch seconds>|<actor>`` strings; ``TRAFFIC#<day>`` holds that day's page
views from the admin reports poller.

**Idempotent under redelivery by construction**: every write either adds a member to a set (a
member already there is not added twice) or sets a value that the same activity always sets to
the same thing, so a redelivered or retried activity changes nothing, in any order. No counter is
ever incremented. The brand's staff and bots are not recorded (the index measures the community
answering itself). Weeks expire a year after they end (TTL).

:meth:`WeekAggregate.factors` reads a stored week as the columns of its events in time order
(:class:`talkworthy.community.factors.WeekColumns`), so the factors have one definition, with no
object per event on the way (a week of a million activities is scored in about a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from talkworthy import keys
from talkworthy.catalog.community_activity import CommunityActivity
from talkworthy.community.factors import KINDS, WeekColumns, WeekFactors, interned
from talkworthy.dynamo import Table, call, query_all

__all__ = [
    "ActivityStore",
    "DynamoDbActivityStore",
    "InMemoryActivityStore",
    "TopicWeek",
    "WeekAggregate",
    "week_of",
]

_KEEP = timedelta(weeks=53)
_USER, _TOPIC, _POST, _VIEWS = (
    KINDS.index(kind) for kind in ("user_created", "topic_created", "post_created", "page_views")
)


def week_of(at: datetime) -> date:
    """The Monday (UTC) of the week ``at`` falls in."""
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _epoch(day: date) -> float:
    return datetime.combine(day, time(), UTC).timestamp()


@dataclass(slots=True)
class TopicWeek:
    opened_at: float | None = None
    author: str | None = None
    posts: set[str] = field(default_factory=set)  # "<post id>|<epoch>|<actor>"


@dataclass
class WeekAggregate:
    community_id: str
    week_start: date
    members: set[str] = field(default_factory=set)
    likes: set[str] = field(default_factory=set)  # "<post id>|<actor>"
    traffic: dict[str, int] = field(default_factory=dict)  # ISO day -> page views
    topics: dict[str, TopicWeek] = field(default_factory=dict)

    def factors(self) -> WeekFactors:
        """The six factors, as the week's events in time order give them (an opening before its replies)."""
        return self.columns().factors()

    def columns(self) -> WeekColumns:
        """Members, page views, openings and replies as columns (likes are no factor), sorted by time."""
        import numpy as np

        topics = list(self.topics.values())
        opened = [n for n, t in enumerate(topics) if t.opened_at is not None and t.author is not None]
        posts = [post for topic in topics for post in topic.posts]
        _, reply_at, actors = _fields(posts)
        totals = len(self.members) + len(self.traffic)  # at the week's start; only their kind and value count
        kind = np.repeat(
            np.array([_USER, _VIEWS, _TOPIC, _POST], np.int8),
            [len(self.members), len(self.traffic), len(opened), len(posts)],
        )
        at = np.concatenate(
            [
                np.full(totals, _epoch(self.week_start)),
                np.array([topics[n].opened_at for n in opened], np.float64),
                np.array(list(map(float, reply_at)), np.float64),
            ]
        )
        per_topic = np.fromiter(map(len, (topic.posts for topic in topics)), np.int64, len(topics))
        topic = np.concatenate(
            [np.zeros(totals, np.int64), np.array(opened, np.int64), np.repeat(np.arange(len(topics)), per_topic)]
        )
        user = np.zeros(len(kind), np.int64)
        user[totals:] = interned([*(str(topics[n].author) for n in opened), *actors])
        value = np.ones(len(kind), np.int64)
        value[len(self.members) : totals] = list(self.traffic.values())
        order = np.lexsort((kind != _TOPIC, at))  # by time, an opening before its replies at the same time
        return WeekColumns(kind[order], at[order], user[order], topic[order], value[order])

    def apply(self, activity: CommunityActivity) -> None:
        """Add one activity (the in-memory twin of the DynamoDB writes; idempotent the same way)."""
        kind = activity.kind
        if kind == "user_created":
            self.members.add(activity.actor)
        elif kind == "like":
            self.likes.add(f"{activity.post_id}|{activity.actor}")
        elif activity.topic_id:
            topic = self.topics.get(activity.topic_id)
            if topic is None:
                topic = self.topics[activity.topic_id] = TopicWeek()
            if kind == "topic_created":
                topic.opened_at, topic.author = activity.at.timestamp(), activity.actor
            else:
                topic.posts.add(_post(activity))


def _fields(posts: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Post ids, times and actors of ``<post id>|<epoch>|<actor>`` strings (one split of them all, no list each)."""
    parts = "|".join(posts).split("|") if posts else []
    if len(parts) != 3 * len(posts):  # an actor with a "|" in it: split each at its first two
        parts = [part for post in posts for part in post.split("|", 2)]
    return parts[0::3], parts[1::3], parts[2::3]


def _post(activity: CommunityActivity) -> str:
    return f"{activity.post_id}|{activity.at.timestamp():.3f}|{activity.actor}"


def counted(activity: CommunityActivity) -> bool:
    """Whether the index counts it: not the brand's staff, not a bot, and a topic for posts."""
    return not (activity.staff or activity.bot) and (
        activity.kind in ("user_created", "like") or bool(activity.topic_id)
    )


class ActivityStore(Protocol):
    def record(self, activity: CommunityActivity) -> bool:
        """Add the activity to its week; ``False`` when the index does not count it (staff, bots)."""
        ...

    def set_traffic(self, community_id: str, day: date, views: int) -> None: ...

    def week(self, community_id: str, week_start: date) -> WeekAggregate: ...

    def communities(self) -> list[str]: ...


class InMemoryActivityStore:
    def __init__(self) -> None:
        self.weeks: dict[tuple[str, date], WeekAggregate] = {}
        self.known: set[str] = set()

    def _week(self, community_id: str, week_start: date) -> WeekAggregate:
        return self.weeks.setdefault((community_id, week_start), WeekAggregate(community_id, week_start))

    def record(self, activity: CommunityActivity) -> bool:
        self.known.add(activity.community_id)
        if not counted(activity):
            return False
        self._week(activity.community_id, week_of(activity.at)).apply(activity)
        return True

    def set_traffic(self, community_id: str, day: date, views: int) -> None:
        self.known.add(community_id)
        self._week(community_id, week_of(datetime.combine(day, time(), UTC))).traffic[day.isoformat()] = views

    def week(self, community_id: str, week_start: date) -> WeekAggregate:
        found = self.weeks.get((community_id, week_start))
        return found if found is not None else WeekAggregate(community_id, week_start)

    def communities(self) -> list[str]:
        return sorted(self.known)


class DynamoDbActivityStore:
    """On the mesh table (keys in :mod:`talkworthy.keys`); one ``UpdateItem`` per counted activity."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._registered: set[str] = set()  # per container: the community item is written once

    def _register(self, community_id: str) -> None:
        if community_id in self._registered:
            return
        call(
            self.table.update_item,
            Key=keys.health_community(community_id),
            UpdateExpression="SET gsi1pk = :g, gsi1sk = :c",
            ExpressionAttributeValues={":g": keys.HEALTH_COMMUNITIES_GSI, ":c": community_id},
        )
        self._registered.add(community_id)

    def _update(self, community_id: str, week_start: date, sk: str, expression: str, values: dict[str, Any]) -> None:
        expiry = "expires_at = :expires"
        call(
            self.table.update_item,
            Key={"pk": keys.health_week_pk(community_id, week_start.isoformat()), "sk": sk},
            UpdateExpression=f"{expression}, {expiry}"
            if expression.startswith("SET ")
            else f"{expression} SET {expiry}",
            ExpressionAttributeValues={**values, ":expires": int(_epoch(week_start + _KEEP))},
        )

    def record(self, activity: CommunityActivity) -> bool:
        self._register(activity.community_id)
        if not counted(activity):
            return False
        week = week_of(activity.at)
        if activity.kind == "user_created":
            self._update(activity.community_id, week, "TOTALS", "ADD members :v", {":v": {activity.actor}})
        elif activity.kind == "like":
            self._update(
                activity.community_id, week, "TOTALS", "ADD likes :v", {":v": {f"{activity.post_id}|{activity.actor}"}}
            )
        elif activity.kind == "topic_created":
            self._update(
                activity.community_id,
                week,
                f"TOPIC#{activity.topic_id}",
                "SET opened_at = :at, author = :who",
                {":at": f"{activity.at.timestamp():.3f}", ":who": activity.actor},
            )
        else:
            self._update(
                activity.community_id, week, f"TOPIC#{activity.topic_id}", "ADD posts :v", {":v": {_post(activity)}}
            )
        return True

    def set_traffic(self, community_id: str, day: date, views: int) -> None:
        self._register(community_id)
        week = week_of(datetime.combine(day, time(), UTC))
        self._update(community_id, week, f"TRAFFIC#{day.isoformat()}", "SET page_views = :v", {":v": views})

    def week(self, community_id: str, week_start: date) -> WeekAggregate:
        found = WeekAggregate(community_id, week_start)
        pk = keys.health_week_pk(community_id, week_start.isoformat())
        for item in query_all(self.table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": pk}):
            _read(found, item)
        return found

    def communities(self) -> list[str]:
        items = query_all(
            self.table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :g",
            ExpressionAttributeValues={":g": keys.HEALTH_COMMUNITIES_GSI},
        )
        return sorted(str(item["gsi1sk"]) for item in items)


def _read(week: WeekAggregate, item: dict[str, Any]) -> None:
    sk = str(item["sk"])
    if sk == "TOTALS":
        week.members |= _strings(item.get("members"))
        week.likes |= _strings(item.get("likes"))
    elif sk.startswith("TRAFFIC#"):
        week.traffic[sk.removeprefix("TRAFFIC#")] = int(item["page_views"])
    elif sk.startswith("TOPIC#"):
        opened = item.get("opened_at")
        week.topics[sk.removeprefix("TOPIC#")] = TopicWeek(
            opened_at=None if opened is None else float(opened),
            author=item.get("author"),
            posts=_strings(item.get("posts")),
        )


def _strings(values: Iterable[Any] | None) -> set[str]:
    return {str(value) for value in values or ()}
