"""Webhook senders: one adapter per vendor, each verifying raw bytes and adapting them to catalog events.

``SENDERS`` maps the name in the URL (``/webhooks/<name>``; Canny adds ``/{token}``) to its sender's adapter
(the URL segment stays ``{source}``: it is public API).
"""

from __future__ import annotations

from chalicelib.senders.base import (
    Inbound,
    MalformedBodyError,
    SenderSecrets,
    UnusableBodyError,
    WebhookDelivery,
    WebhookSender,
)
from chalicelib.senders.canny import CannySender
from chalicelib.senders.discourse import DiscourseSender
from chalicelib.senders.hubspot import HubSpotSender
from chalicelib.senders.intercom import IntercomSender
from chalicelib.senders.slack_actions import SlackActionsSender
from chalicelib.senders.standard_webhooks import StandardWebhooksSender
from chalicelib.senders.zendesk import ZendeskSender

__all__ = [
    "SENDERS",
    "CannySender",
    "DiscourseSender",
    "HubSpotSender",
    "Inbound",
    "IntercomSender",
    "MalformedBodyError",
    "SenderSecrets",
    "SlackActionsSender",
    "StandardWebhooksSender",
    "UnusableBodyError",
    "WebhookDelivery",
    "WebhookSender",
    "ZendeskSender",
]

SENDERS: dict[str, WebhookSender] = {
    sender.name: sender
    for sender in (
        StandardWebhooksSender(),
        ZendeskSender(),
        HubSpotSender(),
        DiscourseSender(),
        CannySender(),
        IntercomSender(),
        SlackActionsSender(),
    )
}
