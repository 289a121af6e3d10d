"""Mentions: a post about the brand as received, and as enriched."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, HttpUrl

from talkworthy.catalog.base import Detail, Provenance, Score, _Model

__all__ = [
    "Author",
    "Engagement",
    "Identity",
    "Influence",
    "Intent",
    "IntentLabel",
    "Mention",
    "MentionEnriched",
    "MentionReceived",
    "Segment",
    "SentimentLabel",
    "Tier",
    "TriageReason",
]

IntentLabel = Literal["support_request", "complaint", "question", "sales_lead", "idea", "praise", "other"]
SentimentLabel = Literal["positive", "negative", "neutral", "mixed"]
Tier = Literal["vip", "high", "standard", "prospect", "unknown"]
"""A segment's customer value: a CRM tier (``vip``, ``high``, ``standard``), ``prospect`` or ``unknown``."""
TriageReason = Literal["low_confidence", "unsupported_language"]


class Author(_Model):
    handle: str = Field(min_length=1, max_length=200)
    platform_user_id: str | None = None
    name: str | None = None
    email: str | None = Field(default=None, max_length=320)
    audience: int | None = Field(default=None, ge=0, description="followers, subscribers or members")
    reputation: float | None = Field(default=None, ge=0.0, le=1.0, description="community standing, 0..1")
    profile_url: HttpUrl | None = None


class Engagement(_Model):
    likes: int = Field(default=0, ge=0)
    shares: int = Field(default=0, ge=0)
    replies: int = Field(default=0, ge=0)


class Mention(_Model):
    """The post itself, as the listening tool or community reported it."""

    source_tool: str = Field(description="what reported it: standard_webhooks, discourse, google_alerts, ...")
    platform: str = Field(description="where it was said: twitter, reddit, discourse, web, intercom, ...")
    post_id: str = Field(min_length=1, max_length=500)
    url: HttpUrl | None = None
    author: Author
    title: str | None = Field(default=None, max_length=1000)
    text: str = Field(min_length=1, max_length=40_000)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    posted_at: datetime
    in_reply_to: str | None = Field(default=None, description="post id this one answers")
    thread_hint: str | None = Field(default=None, description="the platform's own thread/topic id")
    engagement: Engagement = Field(default_factory=Engagement)


class MentionReceived(Detail):
    DETAIL_TYPE = "Mention.Received"
    mention: Mention


class Intent(_Model):
    label: IntentLabel
    cues: list[str]
    provenance: Provenance
    runner_up: IntentLabel | None = Field(default=None, description="the second most likely intent")
    runner_up_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    triage_reason: TriageReason | None = Field(
        default=None, description="set when a person should check the label: the model is unsure, or the language"
    )
    language: str | None = Field(default=None, description="the language the post was read as, when not covered")


class Influence(_Model):
    score: int = Field(ge=0, le=100)
    provenance: Provenance


class Identity(_Model):
    """Who the author is to us: a profile in the identity graph, maybe linked to a CRM contact."""

    profile_id: str
    crm_system: str | None = None
    crm_contact_id: str | None = None
    evidence: list[str] = Field(description="why this profile was chosen (e.g. handle:twitter/alice)")
    confidence: float = Field(ge=0.0, le=1.0)
    new_profile: bool


class Segment(_Model):
    tier: Tier
    basis: str = Field(description="what the tier is based on: crm, history or default")


class MentionEnriched(Detail):
    DETAIL_TYPE = "Mention.Enriched"
    mention: Mention
    sentiment: Score
    intent: Intent
    influence: Influence
    identity: Identity
    segment: Segment
    thread_id: str
