"""Survey answers: each profile's history, and a tally per channel and segment (the satisfaction metric).

``record`` keeps an answer once per event key (one survey takes one answer) and adds it to the
tally of the channel the case came from and the customer's segment in the same write: on the mesh
table one ``TransactWriteItems`` (the history item's put is conditional, so a redelivery fails the
whole transaction and counts nothing twice). The tally's average is ``rating_sum / answers``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from talkworthy import dynamo, keys
from talkworthy.catalog import FeedbackReceived

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
else:
    Table = Any

__all__ = ["DynamoDbFeedbackStore", "FeedbackStore", "InMemoryFeedbackStore", "Tally", "person_key"]


@dataclass
class Tally:
    answers: int = 0
    rating_sum: int = 0
    by_rating: dict[int, int] = field(default_factory=dict)

    @property
    def average(self) -> float | None:
        return self.rating_sum / self.answers if self.answers else None


def person_key(feedback: FeedbackReceived) -> str:
    """The profile, or the case when the answer names no profile."""
    return feedback.profile_id or f"case:{feedback.case.system}:{feedback.case.record_id}"


class FeedbackStore(Protocol):
    def record(self, feedback: FeedbackReceived) -> bool:
        """Keep the answer and count it; False when its event key was kept already."""

    def history(self, person: str) -> Sequence[FeedbackReceived]:
        """The person's answers, oldest first."""

    def tally(self, channel: str, segment: str | None) -> Tally: ...


class InMemoryFeedbackStore:
    def __init__(self) -> None:
        self.answers: dict[str, list[FeedbackReceived]] = {}
        self.tallies: dict[tuple[str, str], Tally] = {}
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def record(self, feedback: FeedbackReceived) -> bool:
        with self._lock:
            if feedback.meta.event_key in self._keys:
                return False
            self._keys.add(feedback.meta.event_key)
            self.answers.setdefault(person_key(feedback), []).append(feedback)
            tally = self.tallies.setdefault((feedback.channel, feedback.segment or "unknown"), Tally())
            tally.answers += 1
            tally.rating_sum += feedback.rating
            tally.by_rating[feedback.rating] = tally.by_rating.get(feedback.rating, 0) + 1
            return True

    def history(self, person: str) -> Sequence[FeedbackReceived]:
        with self._lock:
            return sorted(self.answers.get(person, []), key=lambda f: f.answered_at)

    def tally(self, channel: str, segment: str | None) -> Tally:
        with self._lock:
            return self.tallies.get((channel, segment or "unknown"), Tally())


class DynamoDbFeedbackStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, feedback: FeedbackReceived) -> bool:
        at = feedback.answered_at.isoformat(timespec="microseconds")
        answer = {
            **keys.feedback(person_key(feedback), f"{at}#{feedback.meta.event_key}"),
            "kind": "feedback",
            "doc": feedback.model_dump_json(),
        }
        refused = dynamo.transact(
            self._table,
            [
                dynamo.put(answer, condition="attribute_not_exists(pk)"),
                dynamo.update(
                    keys.feedback_tally(feedback.channel, feedback.segment or "unknown"),
                    "ADD answers :one, rating_sum :rating, #r :one",
                    {":one": 1, ":rating": feedback.rating},
                    names={"#r": f"rating_{feedback.rating}"},
                ),
            ],
        )
        return refused is None

    def history(self, person: str) -> Sequence[FeedbackReceived]:
        from boto3.dynamodb.conditions import Key

        condition = Key("pk").eq(keys.feedback(person, "")["pk"])
        items = dynamo.query_all(self._table, KeyConditionExpression=condition)
        return [FeedbackReceived.model_validate_json(item["doc"]) for item in items]

    def tally(self, channel: str, segment: str | None) -> Tally:
        key = keys.feedback_tally(channel, segment or "unknown")
        item = dynamo.call(self._table.get_item, Key=key, ConsistentRead=True).get("Item") or {}
        by_rating = {n: int(item[f"rating_{n}"]) for n in range(1, 6) if f"rating_{n}" in item}
        return Tally(int(item.get("answers", 0)), int(item.get("rating_sum", 0)), by_rating)
