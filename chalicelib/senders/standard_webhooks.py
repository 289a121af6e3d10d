"""The generic door: listening tools and custom senders that sign with Standard Webhooks.

The JSON contract is defined by the models below and documented with examples in
``docs/generic-webhooks.md``: ``{"type": ..., "timestamp": ..., "data": {...}}`` where ``type`` is
``mention.created`` (→ ``Mention.Received``) or ``behavior.<kind>`` (→ ``Behavior.Observed``).
Unknown fields are ignored (tolerant reader); wrong types and unknown ``type`` values are a 422.
Dedupe key: the ``webhook-id`` header (``svix-id`` for Svix-branded senders).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field, HttpUrl, StrictFloat, StringConstraints

from chalicelib.senders._common import (
    Count,
    Id,
    IsoTime,
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
from chalicelib.signatures import verify_standard_webhooks
from talkworthy.catalog import Author, BehaviorObserved, Detail, Engagement, Mention, MentionReceived

__all__ = [
    "ACCEPTED_TYPES",
    "BehaviorData",
    "GenericAuthor",
    "GenericEngagement",
    "GenericEnvelope",
    "MentionData",
    "StandardWebhooksSender",
]

BehaviorKind = Literal["order", "login", "contact", "cancellation", "downgrade"]
_BEHAVIORS: dict[str, BehaviorKind] = {f"behavior.{kind}": kind for kind in get_args(BehaviorKind)}
ACCEPTED_TYPES: tuple[str, ...] = ("mention.created", *_BEHAVIORS)

Slug = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9_.-]{1,50}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]


class GenericEnvelope(VendorModel):
    """Every delivery: what happened, when the sender emitted it, and the event itself."""

    type: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    timestamp: IsoTime
    data: dict[str, Any]


class GenericAuthor(VendorModel):
    handle: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    id: Id | None = None
    name: Name | None = None
    email: Email | None = None
    followers: Count | None = None
    reputation: Annotated[StrictFloat, Field(ge=0.0, le=1.0)] | None = None
    profile_url: HttpUrl | None = None


class GenericEngagement(VendorModel):
    likes: Count = 0
    shares: Count = 0
    replies: Count = 0


class MentionData(VendorModel):
    """``data`` of ``mention.created``: one post about the brand, as the listening tool saw it."""

    platform: Slug
    post_id: Id
    url: HttpUrl | None = None
    author: GenericAuthor
    text: Annotated[str, StringConstraints(min_length=1, max_length=40_000)]
    text_format: Literal["plain", "html"] = "plain"
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] | None = None
    posted_at: IsoTime
    in_reply_to: Id | None = None
    thread_id: Id | None = None
    engagement: GenericEngagement = GenericEngagement()
    source_tool: Slug | None = None


class BehaviorData(VendorModel):
    """``data`` of ``behavior.<kind>``: one customer activity in a system of record."""

    customer_id: Id
    email: Email | None = None
    amount: Annotated[StrictFloat, Field(ge=0)] | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    at: IsoTime
    source_system: Slug


class StandardWebhooksSender:
    name = "standard"
    content_types: tuple[str, ...] = ("application/json",)
    accepted_status = 202

    def verify(self, delivery: WebhookDelivery, secrets: SenderSecrets, now: float) -> None:
        signing = configured_secrets(secrets, "signing", self.name)
        verify_standard_webhooks(signed_request(delivery), signing, now)

    def adapt(self, delivery: WebhookDelivery) -> list[Inbound]:
        message_id = delivery.header("webhook-id") or delivery.header("svix-id")
        if not message_id:
            raise UnusableBodyError("the webhook-id header is missing")
        envelope = validate(GenericEnvelope, json_object(delivery))
        if envelope.type not in ACCEPTED_TYPES:
            accepted = ", ".join(ACCEPTED_TYPES)
            raise UnusableBodyError(f"type {envelope.type!r} is not accepted; accepted types: {accepted}")
        detail: Detail
        if envelope.type == "mention.created":
            detail = _mention(delivery, message_id, validate(MentionData, envelope.data, "data"))
        else:
            kind = _BEHAVIORS[envelope.type]
            detail = _behavior(delivery, message_id, kind, validate(BehaviorData, envelope.data, "data"))
        return [Inbound(dedupe_key=message_id, details=[detail])]


def _mention(delivery: WebhookDelivery, key: str, data: MentionData) -> MentionReceived:
    text = html_to_text(data.text) if data.text_format == "html" else data.text.strip()
    if not text:
        raise UnusableBodyError("data.text is empty")
    author = data.author
    with translating("data"):
        return MentionReceived(
            meta=delivery.meta(key),
            mention=Mention(
                source_tool=data.source_tool or "standard_webhooks",
                platform=data.platform,
                post_id=data.post_id,
                url=data.url,
                author=Author(
                    handle=author.handle,
                    platform_user_id=author.id,
                    name=author.name or None,
                    email=author.email,
                    audience=author.followers,
                    reputation=author.reputation,
                    profile_url=author.profile_url,
                ),
                title=data.title or None,
                text=text,
                language=data.language,
                posted_at=data.posted_at,
                in_reply_to=data.in_reply_to,
                thread_hint=data.thread_id,
                engagement=Engagement(**data.engagement.model_dump()),
            ),
        )


def _behavior(delivery: WebhookDelivery, key: str, kind: BehaviorKind, data: BehaviorData) -> BehaviorObserved:
    if data.amount is not None and data.currency is None:
        raise UnusableBodyError("data.currency is required when data.amount is given")
    with translating("data"):
        return BehaviorObserved(
            meta=delivery.meta(key),
            customer_id=data.customer_id,
            email=data.email,
            kind=kind,
            amount=data.amount,
            currency=data.currency,
            at=data.at,
            source_system=data.source_system,
        )
