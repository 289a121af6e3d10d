"""Telling people: Slack and e-mail ports, their adapters and fakes, rendering, pacing, signed links.

Importing this package does no I/O and does not import slack_sdk or boto3; the adapters load what
they need when they are built or used.
"""

from __future__ import annotations

from talkworthy.actions import ACTION_LABELS
from talkworthy.notify.blocks import LINK_ACTION_ID, actions_block, escape_mrkdwn, render_slack, render_update
from talkworthy.notify.email import EmailPort, SesEmailAdapter, render_email
from talkworthy.notify.fake import ChatCall, RecordingChat, RecordingEmail, SentEmail
from talkworthy.notify.links import (
    ActionLinkSigner,
    BadSignatureError,
    ExpiredLinkError,
    LinkError,
    MalformedLinkError,
)
from talkworthy.notify.pacer import (
    ChannelPacer,
    DynamoDbChannelPacer,
    InMemoryChannelPacer,
    PacedChat,
    PacerBusyError,
)
from talkworthy.notify.slack import ChatPort, MessageRef, SlackChatAdapter

__all__ = [
    "ACTION_LABELS",
    "LINK_ACTION_ID",
    "ActionLinkSigner",
    "BadSignatureError",
    "ChannelPacer",
    "ChatCall",
    "ChatPort",
    "DynamoDbChannelPacer",
    "EmailPort",
    "ExpiredLinkError",
    "InMemoryChannelPacer",
    "LinkError",
    "MalformedLinkError",
    "MessageRef",
    "PacedChat",
    "PacerBusyError",
    "RecordingChat",
    "RecordingEmail",
    "SentEmail",
    "SesEmailAdapter",
    "SlackChatAdapter",
    "actions_block",
    "escape_mrkdwn",
    "render_email",
    "render_slack",
    "render_update",
]
