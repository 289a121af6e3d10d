"""The community context: surges in the mention stream (and, later, each community's health).

``Mention.Enriched`` → the topic's sharded counters, and every finished bucket → the surge
detector → ``Surge.Detected`` / ``Surge.Updated`` / ``Surge.Resolved`` (``usecases/surges.py``).
``Action.Taken`` on an incident (Acknowledge, I own this incident, from the digest notify posts)
is recorded on the surge and answered like every action (``usecases/acting.py``).

Idempotent under redelivery: a mention is counted as a digest of its event key in a set, so a
second delivery adds nothing; a bucket is evaluated once (a conditional write on the last bucket
evaluated); an incident action is recorded per event key. The counts of a batch are written
together when the batch ends (``end_batch``); if that write fails, the whole batch is retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import ActionTaken, Detail, MentionEnriched, utc_now
from talkworthy.community.surge import SurgeConfig
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import CommunitySettings
from talkworthy.usecases.acting import act_as
from talkworthy.usecases.surges import PRODUCER, SurgeSettings, count_mention

if TYPE_CHECKING:
    from talkworthy.community.counters import SurgeStore
    from talkworthy.people import Directory, Person

__all__ = ["HANDLERS", "INCIDENT_ACTIONS", "CommunityPorts"]

INCIDENT_ACTIONS = ("acknowledge", "assign_owner")


class CommunityPorts:
    def __init__(self, config: CommunitySettings) -> None:
        self.config = config

    @cached_property
    def surges(self) -> SurgeStore:
        return c.surge_store(self.config.mesh_table)

    @cached_property
    def surge_settings(self) -> SurgeSettings:
        config = self.config
        detector = SurgeConfig(min_count=config.surge_min_count, quiet_after=config.surge_quiet_buckets)
        return SurgeSettings(config.surge_bucket_seconds, config.surge_grace_seconds, detector)

    @property
    def people(self) -> Directory:
        return c.people(self.config.people_parameter).current()

    def end_batch(self) -> None:
        """Write the batch's counts (one write per topic and bucket)."""
        if "surges" in self.__dict__:
            self.surges.flush()


def mention(event: MentionEnriched, ports: CommunityPorts, arrival: Arrival) -> Sequence[Detail]:
    return count_mention(event, ports.surges, ports.surge_settings)


def incident_action(event: ActionTaken, ports: CommunityPorts, arrival: Arrival) -> Sequence[Detail]:
    """Acknowledge or own a surge's incident: authorised, then shown on the digest by notify."""

    def perform(_person: Person) -> Sequence[Detail]:
        return []  # the outcome lives on the digest (notify keeps its notes); nothing else to change

    return act_as(event, ports.people, at=utc_now(), producer=PRODUCER, perform=perform)


HANDLERS = HandlerMap[CommunityPorts](
    on(MentionEnriched, mention),
    on(ActionTaken, incident_action, where={"action": list(INCIDENT_ACTIONS), "target": {"kind": ["incident"]}}),
)
