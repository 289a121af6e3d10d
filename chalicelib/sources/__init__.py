"""Push sources: one module per vendor, each verifying raw bytes and adapting them to catalog events.

``SOURCES`` maps the name in the URL (``/webhooks/<name>``; Canny adds ``/{token}``) to the source.
"""

from __future__ import annotations

from chalicelib.sources.base import (
    Inbound,
    InboundDelivery,
    MalformedBodyError,
    Source,
    SourceSecrets,
    UnusableBodyError,
)
from chalicelib.sources.canny import CannySource
from chalicelib.sources.discourse import DiscourseSource
from chalicelib.sources.hubspot import HubSpotSource
from chalicelib.sources.intercom import IntercomSource
from chalicelib.sources.slack_actions import SlackActionsSource
from chalicelib.sources.standard_webhooks import StandardWebhooksSource
from chalicelib.sources.zendesk import ZendeskSource

__all__ = [
    "SOURCES",
    "CannySource",
    "DiscourseSource",
    "HubSpotSource",
    "Inbound",
    "InboundDelivery",
    "IntercomSource",
    "MalformedBodyError",
    "SlackActionsSource",
    "Source",
    "SourceSecrets",
    "StandardWebhooksSource",
    "UnusableBodyError",
    "ZendeskSource",
]

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        StandardWebhooksSource(),
        ZendeskSource(),
        HubSpotSource(),
        DiscourseSource(),
        CannySource(),
        IntercomSource(),
        SlackActionsSource(),
    )
}
