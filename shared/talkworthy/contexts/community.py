"""The community context: surges in the mention stream, and each community's health.

``Mention.Enriched`` → the topic's sharded counters, and every finished bucket → the surge
detector → ``Surge.Detected`` / ``Surge.Updated`` / ``Surge.Resolved`` (``usecases/surges.py``).
The incident digest a surge causes, and its Acknowledge / I own this incident buttons, live in
notify (``usecases/digest.py``), which holds the digest's data. The surge's open state is written
here too, at detection, into the read model notify folds by (``notify/incidents.py``): in a
crisis notify's queue is the one backed up with the very notifications to fold, and a
``Surge.Detected`` waiting behind them would fold none.

``Community.Activity`` (Discourse members, topics, replies, likes) → the week's aggregates on the
mesh table, which the weekly digest scores (``contexts/community_digest.py``).

Idempotent under redelivery: a mention is counted as a digest of its event key in a set, so a
second delivery adds nothing; a bucket is evaluated once (a conditional write on the last bucket
evaluated). The counts of a batch are written together when the batch ends (``end_batch``); if
that write fails, the whole batch is retried. Every activity write adds to a set or sets a value
the same activity always sets alike (``community/activity_store.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import CommunityActivity, Detail, MentionEnriched, SurgeDetected, SurgeResolved, SurgeUpdated
from talkworthy.community.surge import SurgeConfig
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import CommunitySettings
from talkworthy.usecases.community_health import record_activity
from talkworthy.usecases.surges import SurgeSettings, count_mention

if TYPE_CHECKING:
    from talkworthy.community.activity_store import ActivityStore
    from talkworthy.community.counters import SurgeStore
    from talkworthy.notify.incidents import IncidentStore

__all__ = ["HANDLERS", "CommunityPorts"]


class CommunityPorts:
    def __init__(self, config: CommunitySettings) -> None:
        self.config = config

    @cached_property
    def surges(self) -> SurgeStore:
        return c.surge_store(self.config.mesh_table)

    @cached_property
    def incidents(self) -> IncidentStore:
        return c.incidents(self.config.mesh_table)

    @cached_property
    def activity(self) -> ActivityStore:
        return c.activity_store(self.config.mesh_table)

    @cached_property
    def surge_settings(self) -> SurgeSettings:
        config = self.config
        detector = SurgeConfig(min_count=config.surge_min_count, quiet_after=config.surge_quiet_buckets)
        return SurgeSettings(config.surge_bucket_seconds, config.surge_grace_seconds, detector)

    def end_batch(self) -> None:
        """Write the batch's counts (one write per topic and bucket)."""
        if "surges" in self.__dict__:
            self.surges.flush()


def mention(event: MentionEnriched, ports: CommunityPorts, arrival: Arrival) -> Sequence[Detail]:
    events = count_mention(event, ports.surges, ports.surge_settings)
    for surge in events:  # folding starts now, not when notify's backed-up queue reaches the event
        if isinstance(surge, SurgeDetected | SurgeUpdated | SurgeResolved):
            ports.incidents.record(surge)
    return events


def community_activity(event: CommunityActivity, ports: CommunityPorts, arrival: Arrival) -> Sequence[Detail]:
    return record_activity(event, ports.activity)


HANDLERS = HandlerMap[CommunityPorts](
    on(MentionEnriched, mention),
    on(CommunityActivity, community_activity),
)
