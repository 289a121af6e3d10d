"""The ideas context: Idea.Submitted / Voted / StatusChanged, and the product owner's decisions on ideas."""

from __future__ import annotations

from talkworthy.consumer import SqsConsumer
from talkworthy.contexts.ideas import HANDLERS, IdeasPorts
from talkworthy.settings import IdeasSettings

SETTINGS = IdeasSettings
lambda_handler = SqsConsumer("ideas", HANDLERS, SETTINGS, IdeasPorts)
