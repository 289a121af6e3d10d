"""Scheduled: each community's page views per day from Discourse's admin reports API."""

from __future__ import annotations

from talkworthy.contexts.community_reports import CommunityReportsPorts, poll_reports
from talkworthy.scheduled import ScheduledTask
from talkworthy.settings import CommunityReportsSettings

SETTINGS = CommunityReportsSettings
lambda_handler = ScheduledTask("community-reports", SETTINGS, CommunityReportsPorts, poll_reports)
