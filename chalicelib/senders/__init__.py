"""Webhook senders: one adapter per vendor, each verifying raw bytes and adapting them to catalog events.

``SENDERS`` maps the name in the URL (``/webhooks/<name>``; Canny adds ``/{token}``) to its sender's adapter
(the URL segment stays ``{source}``: it is public API). Each adapter's module (its vendor models,
its signature scheme) is imported the first time its sender delivers, not at every cold start.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from chalicelib.senders.base import (
    Inbound,
    MalformedBodyError,
    SenderSecrets,
    UnusableBodyError,
    WebhookDelivery,
    WebhookSender,
)

__all__ = [
    "SENDERS",
    "Inbound",
    "MalformedBodyError",
    "SenderSecrets",
    "UnusableBodyError",
    "WebhookDelivery",
    "WebhookSender",
]

_ADAPTERS = {
    "standard": ("chalicelib.senders.standard_webhooks", "StandardWebhooksSender"),
    "zendesk": ("chalicelib.senders.zendesk", "ZendeskSender"),
    "hubspot": ("chalicelib.senders.hubspot", "HubSpotSender"),
    "discourse": ("chalicelib.senders.discourse", "DiscourseSender"),
    "canny": ("chalicelib.senders.canny", "CannySender"),
    "intercom": ("chalicelib.senders.intercom", "IntercomSender"),
    "slack": ("chalicelib.senders.slack_actions", "SlackActionsSender"),
}


class _Senders(Mapping[str, WebhookSender]):
    """Name → adapter, each built on first use."""

    def __init__(self) -> None:
        self._built: dict[str, WebhookSender] = {}

    def __getitem__(self, name: str) -> WebhookSender:
        if name not in self._built:
            module, cls = _ADAPTERS[name]
            sender: WebhookSender = getattr(import_module(module), cls)()
            if sender.name != name:
                raise RuntimeError(f"{cls} calls itself {sender.name!r}, registered as {name!r}")
            self._built[name] = sender
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_ADAPTERS)

    def __len__(self) -> int:
        return len(_ADAPTERS)


SENDERS: Mapping[str, WebhookSender] = _Senders()
