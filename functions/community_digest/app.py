"""Scheduled weekly: each community's health digest, with its chart, in its Slack channel."""

from __future__ import annotations

from talkworthy.contexts.community_digest import CommunityDigestPorts, post_digests
from talkworthy.scheduled import ScheduledTask
from talkworthy.settings import CommunityDigestSettings

SETTINGS = CommunityDigestSettings
lambda_handler = ScheduledTask("community-digest", SETTINGS, CommunityDigestPorts, post_digests)
