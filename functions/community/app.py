"""The community context: community activity into weekly health aggregates."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.community import HANDLERS, CommunityPorts
from talkworthy.settings import CommunitySettings

SETTINGS = CommunitySettings
lambda_handler = SqsConsumer("community", HANDLERS, SETTINGS, CommunityPorts)
