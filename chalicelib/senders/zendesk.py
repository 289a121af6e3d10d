"""Zendesk event-subscription webhooks: a ticket moving to solved or closed becomes ``Ticket.Closed``;
a solved ticket moving back to open, pending, hold or new becomes ``Ticket.Reopened``.

Only webhooks subscribed to ticket events are supported. Trigger- or automation-connected webhooks
send whatever body an admin wrote, without ``type``: they are refused (422) with a reason, so the
misconfiguration shows up in Zendesk's activity log instead of being silently dropped.
Dedupe key: the body ``id`` (the event id, the same on every retry).

A ticket that mirrors a case kept in another system names it in its ``external_id`` as
``<system>:<case id>`` (``dynamodb:case-5f2e``); ``Ticket.Closed.case`` then carries it, so the
close finds the case's origin and closes its loop once, whichever system reports it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.senders._common import (
    Id,
    IsoTime,
    Name,
    VendorModel,
    configured_secrets,
    json_object,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import Inbound, SenderSecrets, UnusableBodyError, WebhookDelivery
from chalicelib.signatures import verify_zendesk
from talkworthy.catalog import RecordRef, TicketClosed, TicketReopened

__all__ = ["ZendeskSender"]

_PREFIX = "zen:event-type:"
_STATUS_CHANGED = _PREFIX + "ticket.status_changed"
MIRRORED_SYSTEMS = frozenset({"dynamodb", "salesforce", "hubspot", "intercom"})


class ZendeskEnvelope(VendorModel):
    id: Id
    type: Id
    account_id: Id | None = None
    subject: str | None = None
    time: IsoTime
    detail: dict[str, Any]
    event: dict[str, Any]


class ZendeskVia(VendorModel):
    channel: Name | None = None


class ZendeskTicket(VendorModel):
    """``detail`` of a ticket event; Zendesk sends the ids as strings."""

    id: Id
    external_id: Name | None = None
    subject: Name | None = None
    requester_id: Id | None = None
    via: ZendeskVia | None = None


class ZendeskStatusChange(VendorModel):
    previous: Id | None = None
    current: Id


class ZendeskSender:
    name = "zendesk"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_zendesk(signed_request(delivery), configured_secrets(secrets, "signing", self.name), now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        body = json_object(delivery)
        if "type" not in body:
            raise UnusableBodyError(
                "body has no 'type': only webhooks subscribed to Zendesk ticket events are supported, "
                "not trigger- or automation-connected webhooks with a custom body"
            )
        envelope = validate(ZendeskEnvelope, body)
        if envelope.type != _STATUS_CHANGED:
            return [Inbound(envelope.id, [], ignored=_not_routed(envelope.type))]
        ticket = validate(ZendeskTicket, envelope.detail, "detail")
        change = validate(ZendeskStatusChange, envelope.event, "event")
        current = change.current.lower()
        if (change.previous or "").lower() == "solved" and current not in ("solved", "closed"):
            with translating("ticket.status_changed"):
                reopened = TicketReopened(
                    meta=delivery.meta(envelope.id),
                    ticket=RecordRef(system="zendesk", record_id=ticket.id),
                    case=_mirrored_case(ticket.external_id),
                    status=current,
                    reopened_at=envelope.time,
                )
            return [Inbound(envelope.id, [reopened])]
        if current not in ("solved", "closed"):
            reason = f"ticket {ticket.id} moved to {current}, not solved or closed"
            return [Inbound(envelope.id, [], ignored=reason)]
        with translating("ticket.status_changed"):
            closed = TicketClosed(
                meta=delivery.meta(envelope.id),
                ticket=RecordRef(system="zendesk", record_id=ticket.id),
                subject=ticket.subject or None,
                status="closed" if current == "closed" else "solved",
                requester_id=ticket.requester_id,
                origin_channel=ticket.via.channel if ticket.via else None,
                case=_mirrored_case(ticket.external_id),
                closed_at=envelope.time,
            )
        return [Inbound(envelope.id, [closed])]


def _mirrored_case(external_id: str | None) -> RecordRef | None:
    """The case a ticket mirrors: ``external_id`` ``<system>:<id>`` naming a system of record."""
    system, _, record_id = (external_id or "").partition(":")
    return RecordRef(system=system, record_id=record_id) if system in MIRRORED_SYSTEMS and record_id else None


def _not_routed(event_type: str) -> str:
    name = event_type.removeprefix(_PREFIX)
    if name.startswith("ticket."):
        return f"ticket event {name} is not routed; only ticket.status_changed to solved or closed is"
    return f"event type {name} is not routed"
