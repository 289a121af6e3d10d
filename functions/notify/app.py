"""The notify context: Action.Requested → Slack (paced per channel) or e-mail with signed links."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.notify import HANDLERS, NotifyPorts
from talkworthy.settings import NotifySettings

SETTINGS = NotifySettings
lambda_handler = SqsConsumer("notify", HANDLERS, SETTINGS, NotifyPorts)
