"""Scheduled: each community's page views per day from Discourse's admin reports (the traffic factor).

Idempotent per run: each day's count is set, not added, so a retried or overlapping run (or a
later one reading a day again once it is complete) leaves the store as one run would. A
community whose forum refuses or fails is reported and the others are still read.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.errors import TalkworthyError
from talkworthy.scheduled import RunReport, ScheduledRun
from talkworthy.settings import CommunityReportsSettings

if TYPE_CHECKING:
    from talkworthy.community.activity_store import ActivityStore
    from talkworthy.community.config import CommunityConfig

__all__ = ["DAYS_READ", "CommunityReportsPorts", "poll_reports"]

DAYS_READ = 8  # today and the week before: a day is read again until it is complete


class CommunityReportsPorts:
    def __init__(self, config: CommunityReportsSettings) -> None:
        self.config = config

    @cached_property
    def communities(self) -> list[CommunityConfig]:
        return c.communities(self.config.communities_json)

    @cached_property
    def activity(self) -> ActivityStore:
        return c.activity_store(self.config.mesh_table)


def poll_reports(ports: CommunityReportsPorts, run: ScheduledRun) -> RunReport:
    end = run.now.date()
    start = end - timedelta(days=DAYS_READ - 1)
    details: dict[str, str] = {}
    days = failed = 0
    for community in ports.communities:
        try:
            views = c.discourse_reports(ports.config, community).page_views(start, end)
        except TalkworthyError as err:
            failed += 1
            details[community.community_id] = f"failed: {err}"
            continue
        for day, count in views.items():
            ports.activity.set_traffic(community.community_id, day, count)
        days += len(views)
        details[community.community_id] = f"{len(views)} days, {sum(views.values())} page views"
    return RunReport(
        counts={"CommunitiesPolled": len(ports.communities), "CommunitiesFailed": failed, "TrafficDaysRead": days},
        details=details,
    )
