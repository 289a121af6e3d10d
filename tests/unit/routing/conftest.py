"""A small factory for enriched mentions, so routing tests state only what matters to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from talkworthy.catalog.base import EventMeta, Provenance, Score
from talkworthy.catalog.mention import (
    Author,
    Identity,
    Influence,
    Intent,
    IntentLabel,
    Mention,
    MentionEnriched,
    Segment,
    Tier,
)

POSTED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
MODEL = Provenance(provider="test", model="fixture", version="1", confidence=0.9)

MentionFactory = Callable[..., MentionEnriched]

_LABELS = {"positive": 0.7, "negative": -0.62, "neutral": 0.0, "mixed": -0.1}


def make_mention(
    intent: IntentLabel = "other",
    tier: Tier = "standard",
    sentiment: str = "neutral",
    sentiment_value: float | None = None,
    influence: int = 10,
    platform: str = "twitter",
    text: str = "Talking about @acme today",
) -> MentionEnriched:
    return MentionEnriched(
        meta=EventMeta(
            event_key=f"mention:{platform}:{intent}:{tier}",
            correlation_id="corr-routing-1",
            producer="talkworthy.test",
            occurred_at=POSTED,
        ),
        mention=Mention(
            source_tool="standard_webhooks",
            platform=platform,
            post_id="post-1",
            url="https://example.com/posts/1",
            author=Author(handle="dana_ops", name="Dana", audience=1200),
            text=text,
            posted_at=POSTED,
        ),
        sentiment=Score(
            label=sentiment,
            value=_LABELS[sentiment] if sentiment_value is None else sentiment_value,
            provenance=MODEL,
        ),
        intent=Intent(label=intent, cues=[f"cue:{intent}"], provenance=MODEL),
        influence=Influence(score=influence, provenance=MODEL),
        identity=Identity(
            profile_id="prof-1",
            crm_system="hubspot",
            crm_contact_id="hs-42",
            evidence=[f"handle:{platform}/dana_ops"],
            confidence=0.95,
            new_profile=False,
        ),
        segment=Segment(tier=tier, basis="crm"),
        thread_id="thread-1",
    )


@pytest.fixture(scope="session")
def mention() -> MentionFactory:
    """``mention(intent="complaint", tier="vip", sentiment="negative", influence=80, platform=...)``."""
    return make_mention
