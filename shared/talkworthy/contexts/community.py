"""The community context: each community's health.

``Community.Activity`` (Discourse members, topics, replies, likes) → the week's aggregates on the
mesh table, which the weekly digest scores (``contexts/community_digest.py``). Surges in the
mention stream are found by the scheduled surge scan (``contexts/surge_scan.py``), which counts
from the routing journal: this queue no longer carries a copy of every mention.

Idempotent under redelivery: every activity write adds to a set or sets a value the same activity
always sets alike (``community/activity_store.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import CommunityActivity, Detail
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import CommunitySettings
from talkworthy.usecases.community_health import record_activity

if TYPE_CHECKING:
    from talkworthy.community.activity_store import ActivityStore

__all__ = ["HANDLERS", "CommunityPorts"]


class CommunityPorts:
    def __init__(self, config: CommunitySettings) -> None:
        self.config = config

    @cached_property
    def activity(self) -> ActivityStore:
        return c.activity_store(self.config.mesh_table)


def community_activity(event: CommunityActivity, ports: CommunityPorts, arrival: Arrival) -> Sequence[Detail]:
    return record_activity(event, ports.activity)


HANDLERS = HandlerMap[CommunityPorts](on(CommunityActivity, community_activity))
