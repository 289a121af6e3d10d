"""Intercom conversation webhooks: what customers write becomes ``Mention.Received``; a conversation
closed by a teammate becomes ``Ticket.Closed`` (system ``intercom``).

``conversation.user.created`` maps the opening message (post id = conversation id),
``conversation.user.replied`` the newest part written by the customer (post id = part id); both
use the conversation id as thread hint and strip Intercom's HTML to text. A message with no text
(attachments only) is ignored with a reason. ``ping`` and every other topic are ignored.
Dedupe key: the notification ``id`` (``notif_…``), the same on every retry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, HttpUrl

from chalicelib.senders._common import (
    EpochSeconds,
    Id,
    Name,
    VendorModel,
    configured_secrets,
    html_to_text,
    json_object,
    signed_request,
    translating,
    validate,
)
from chalicelib.senders.base import Inbound, SenderSecrets, UnusableBodyError, WebhookDelivery
from chalicelib.signatures import verify_intercom
from talkworthy.catalog import Author, Detail, Mention, MentionReceived, RecordRef, TicketClosed

__all__ = ["IntercomSender"]

_CUSTOMERS = frozenset({"user", "lead", "contact"})
_ROUTED = ("conversation.user.created", "conversation.user.replied", "conversation.admin.closed")


class IntercomNotification(VendorModel):
    id: Id
    topic: Id
    created_at: EpochSeconds
    data: dict[str, Any]


class IntercomAuthor(VendorModel):
    type: Id
    id: Id
    name: Name | None = None
    email: Name | None = None


class IntercomPart(VendorModel):
    id: Id
    part_type: Name | None = None
    body: str | None = None
    created_at: EpochSeconds
    author: IntercomAuthor


class IntercomParts(VendorModel):
    conversation_parts: list[IntercomPart] = Field(default_factory=list)


class IntercomSourceMessage(VendorModel):
    type: Name | None = None
    subject: str | None = None
    body: str | None = None
    author: IntercomAuthor


class IntercomContact(VendorModel):
    id: Id


class IntercomContacts(VendorModel):
    contacts: list[IntercomContact] = Field(default_factory=list)


class IntercomLinks(VendorModel):
    conversation_web: HttpUrl | None = None


class IntercomConversation(VendorModel):
    id: Id
    created_at: EpochSeconds
    updated_at: EpochSeconds | None = None
    title: str | None = None
    source: IntercomSourceMessage
    contacts: IntercomContacts | None = None
    conversation_parts: IntercomParts = IntercomParts()
    links: IntercomLinks | None = None


class IntercomData(VendorModel):
    item: IntercomConversation


class IntercomSender:
    name = "intercom"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        verify_intercom(signed_request(delivery), configured_secrets(secrets, "signing", self.name))

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        note = validate(IntercomNotification, json_object(delivery))
        if note.topic not in _ROUTED:
            reason = "ping" if note.topic == "ping" else f"topic {note.topic} is not routed"
            return [Inbound(note.id, [], ignored=reason)]
        conversation = validate(IntercomData, note.data, "data").item
        if note.topic == "conversation.admin.closed":
            return [Inbound(note.id, [_closed(delivery, note, conversation)])]
        post_id, body, posted_at, author = _message(note.topic, conversation)
        text = html_to_text(body or "")
        if not text:
            return [Inbound(note.id, [], ignored=f"message {post_id} has no text (attachments only)")]
        if author.type not in _CUSTOMERS:
            return [Inbound(note.id, [], ignored=f"message {post_id} was written by {author.type}")]
        with translating(note.topic):
            detail: Detail = MentionReceived(
                meta=delivery.meta(note.id),
                mention=Mention(
                    source_tool="intercom",
                    platform="intercom",
                    post_id=post_id,
                    url=conversation.links.conversation_web if conversation.links else None,
                    author=Author(
                        handle=author.id,
                        platform_user_id=author.id,
                        name=author.name or None,
                        email=author.email or None,
                    ),
                    title=_subject(conversation),
                    text=text,
                    posted_at=posted_at,
                    thread_hint=conversation.id,
                ),
            )
        return [Inbound(note.id, [detail])]


def _message(topic: str, conversation: IntercomConversation) -> tuple[str, str | None, datetime, IntercomAuthor]:
    """(post id, HTML body, posted at, author) of the opening message, or of the customer's reply."""
    if topic == "conversation.user.created":
        source = conversation.source
        return conversation.id, source.body, conversation.created_at, source.author
    parts = [p for p in conversation.conversation_parts.conversation_parts if p.author.type in _CUSTOMERS]
    if not parts:
        raise UnusableBodyError("data.item.conversation_parts holds no part written by the customer")
    return parts[-1].id, parts[-1].body, parts[-1].created_at, parts[-1].author


def _subject(conversation: IntercomConversation) -> str | None:
    return html_to_text(conversation.source.subject or "") or html_to_text(conversation.title or "") or None


def _closed(delivery: WebhookDelivery, note: IntercomNotification, conversation: IntercomConversation) -> Detail:
    parts = conversation.conversation_parts.conversation_parts
    closing = next((p for p in reversed(parts) if p.part_type == "close"), None)
    author = conversation.source.author
    contacts = conversation.contacts.contacts if conversation.contacts else []
    requester = contacts[0].id if contacts else (author.id if author.type in _CUSTOMERS else None)
    with translating(note.topic):
        return TicketClosed(
            meta=delivery.meta(note.id),
            ticket=RecordRef(
                system="intercom",
                record_id=conversation.id,
                url=str(conversation.links.conversation_web) if conversation.links else None,
            ),
            subject=_subject(conversation),
            status="closed",
            requester_id=requester,
            requester_email=(author.email or None) if author.type in _CUSTOMERS else None,
            resolution=(html_to_text(closing.body or "") or None) if closing else None,
            origin_channel="intercom",
            closed_at=closing.created_at if closing else (conversation.updated_at or note.created_at),
        )
