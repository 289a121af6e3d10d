"""HubSpot webhooks (signature v3): a JSON array of up to 100 events, each its own item.

HubSpot events carry only ids and at most one changed property, never amounts or the customer of
a deal, and the ingress does no CRM lookups. So one event type is customer behaviour we can state
honestly: a contact's ``recent_deal_close_date`` being set, which HubSpot does when a deal
associated with that contact is closed won → ``Behavior.Observed`` kind ``order`` for that contact
(amount unknown). Everything else is recognised and explicitly ignored with a reason (answered 2xx:
HubSpot retries any 4xx/5xx for a day). Generic ``object.*`` subscriptions on contacts (objectTypeId
``0-1``) are treated as ``contact.*``.
Dedupe key per event: ``portalId:subscriptionType:objectId:eventId:occurredAt`` (not attemptNumber).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field, StrictInt

from chalicelib.senders._common import (
    Id,
    VendorModel,
    configured_secrets,
    dedupe_key,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import Inbound, SenderSecrets, UnusableBodyError, WebhookDelivery, parse_json
from chalicelib.signatures import verify_hubspot_v3
from talkworthy.catalog import BehaviorObserved

__all__ = ["MAX_BATCH", "HubSpotEvent", "HubSpotSender"]

MAX_BATCH = 100
_ORDER_PROPERTY = "recent_deal_close_date"
_CONTACT_TYPE_ID = "0-1"


class HubSpotEvent(VendorModel):
    eventId: StrictInt
    subscriptionId: StrictInt | None = None
    portalId: StrictInt
    appId: StrictInt | None = None
    occurredAt: StrictInt = Field(gt=0, description="Unix milliseconds")
    subscriptionType: Id
    attemptNumber: StrictInt | None = None
    objectId: StrictInt
    objectTypeId: str | None = None
    propertyName: str | None = None
    propertyValue: str | None = None
    changeSource: str | None = None

    @property
    def key(self) -> str:
        return dedupe_key(self.portalId, self.subscriptionType, self.objectId, self.eventId, self.occurredAt)

    @property
    def kind(self) -> str:
        """``contact.propertyChange`` also for a generic ``object.propertyChange`` on a contact."""
        if self.subscriptionType.startswith("object.") and self.objectTypeId == _CONTACT_TYPE_ID:
            return "contact." + self.subscriptionType.removeprefix("object.")
        return self.subscriptionType


class HubSpotSender:
    name = "hubspot"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_hubspot_v3(signed_request(delivery), configured_secrets(secrets, "signing", self.name), now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        batch = parse_json(delivery.body)
        if not isinstance(batch, list):
            raise UnusableBodyError(f"body must be a JSON array of events, not {type(batch).__name__}")
        if not batch:
            raise UnusableBodyError("body is an empty array; expected 1 to 100 events")
        if len(batch) > MAX_BATCH:
            raise UnusableBodyError(f"body holds {len(batch)} events; HubSpot sends at most {MAX_BATCH}")
        events = [validate(HubSpotEvent, item, f"[{index}]") for index, item in enumerate(batch)]
        return [_adapt(delivery, event) for event in events]


def _adapt(delivery: WebhookDelivery, event: HubSpotEvent) -> Inbound:
    kind = event.kind
    if kind == "contact.propertyChange" and event.propertyName == _ORDER_PROPERTY:
        if not event.propertyValue:
            reason = f"{_ORDER_PROPERTY} was cleared on contact {event.objectId}"
            return Inbound(event.key, [], ignored=reason)
        with translating(f"event {event.eventId}"):
            order = BehaviorObserved(
                meta=delivery.meta(event.key),
                customer_id=str(event.objectId),
                kind="order",
                at=_closed_at(event),
                source_system="hubspot",
            )
        return Inbound(event.key, [order])
    return Inbound(event.key, [], ignored=_ignored(kind, event.propertyName))


def _closed_at(event: HubSpotEvent) -> datetime:
    """The deal's close date (HubSpot sends date properties as Unix ms text), else when it changed."""
    value = event.propertyValue or ""
    millis = int(value) if value.isascii() and value.isdigit() and len(value) <= 15 else event.occurredAt
    return datetime.fromtimestamp(millis / 1000, UTC)


def _ignored(kind: str, property_name: str | None) -> str:
    if kind == "contact.propertyChange":
        return f"contact property {property_name} is not customer behaviour we track"
    if kind == "contact.creation":
        return "a new CRM contact is not customer behaviour"
    if kind.startswith("deal."):
        return f"{kind} names no customer; won deals arrive as the contact's {_ORDER_PROPERTY} change"
    return f"subscription type {kind} is not routed"
