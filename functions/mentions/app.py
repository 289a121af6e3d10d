"""The mentions context: Mention.Received → enrich; Mention.Enriched → route (cases, leads, ideas, notifications)."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.mentions import HANDLERS, MentionsPorts
from talkworthy.settings import MentionsSettings

SETTINGS = MentionsSettings
lambda_handler = SqsConsumer("mentions", HANDLERS, SETTINGS, MentionsPorts)
