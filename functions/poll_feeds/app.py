"""Scheduled: poll RSS/Atom feeds (Google Alerts) and listening-tool APIs into Mention.Received."""

from __future__ import annotations

from talkworthy.contexts.pollers import PollPorts, poll
from talkworthy.scheduled import ScheduledTask
from talkworthy.settings import PollSettings

SETTINGS = PollSettings
lambda_handler = ScheduledTask("poll-feeds", SETTINGS, PollPorts, poll)
