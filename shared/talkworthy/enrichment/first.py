"""The first enrichment of each mention, kept: a redelivered ``Mention.Received`` is enriched to the
same ``Mention.Enriched``.

Enrichment reads a world that its own effects change: the profile it creates (``new_profile``
is true once), the case routing then opens (the segment counts support contacts). Enriched again,
a redelivery would publish an event under the same key that says something else, and every
consumer would act on whichever copy it saw first (notify sends one message per key). So the
first enrichment is kept and a redelivery publishes it again; a replay enriches afresh, which is
what a replay is for. Kept for :data:`RETENTION_SECONDS`, the queues' and DLQs' retention, so a
redrive from a DLQ finds it too.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from typing import Protocol

from talkworthy import keys
from talkworthy.catalog import MentionEnriched
from talkworthy.dynamo import Table, write_or_current

__all__ = ["RETENTION_SECONDS", "DynamoDbFirstEnrichments", "FirstEnrichments", "InMemoryFirstEnrichments"]

RETENTION_SECONDS = 14 * 24 * 3600


class FirstEnrichments(Protocol):
    def keep(self, enriched: MentionEnriched) -> MentionEnriched:
        """``enriched`` if it is the first for its event key (and now kept), else the first one."""
        ...


class DynamoDbFirstEnrichments:
    """Item ``ENRICHED#<event key>`` with the event's JSON, compressed (a typical one, 1.4 KB, fits
    the one write unit of an item under 1 KB); one conditional put, whose refusal returns the first
    (no read)."""

    def __init__(self, table: Table, clock: Callable[[], float] = time.time) -> None:
        self._table = table
        self._clock = clock

    def keep(self, enriched: MentionEnriched) -> MentionEnriched:
        item = {
            **keys.enriched(enriched.meta.event_key),
            "kind": "enriched",
            "doc": zlib.compress(enriched.model_dump_json().encode()),
            "expires_at": int(self._clock()) + RETENTION_SECONDS,
        }
        written, first = write_or_current(
            self._table.put_item, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )
        if written or first is None:
            return enriched
        doc = first["doc"]  # boto3's Binary
        return MentionEnriched.model_validate_json(zlib.decompress(getattr(doc, "value", doc)))


class InMemoryFirstEnrichments:
    def __init__(self) -> None:
        self.items: dict[str, MentionEnriched] = {}
        self._lock = threading.Lock()

    def keep(self, enriched: MentionEnriched) -> MentionEnriched:
        with self._lock:
            return self.items.setdefault(enriched.meta.event_key, enriched)
