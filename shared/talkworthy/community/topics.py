"""What a surge is counted per: a topic, the brand and what people want (the mention's intent).

One function names a mention's topic, so the community context's counters and the routing's
digest hint (``ActionRequested.digest_topic``) always mean the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from talkworthy.catalog import MentionEnriched

__all__ = [
    "DEFAULT_BRAND",
    "SENTIMENT_GROUPS",
    "BucketCount",
    "SentimentGroup",
    "sentiment_group",
    "subject_of",
    "topic_of",
]

DEFAULT_BRAND = "brand"
SentimentGroup = Literal["negative", "neutral", "positive"]
SENTIMENT_GROUPS: tuple[SentimentGroup, ...] = ("negative", "neutral", "positive")
BucketCount = dict[str, int]  # sentiment group -> mentions of a topic in a bucket; "total" -> all of them
_SUBJECTS = {
    "support_request": "requests for help",
    "complaint": "complaints",
    "question": "questions",
    "sales_lead": "buying questions",
    "idea": "ideas",
    "praise": "praise",
    "other": "posts",
}


def topic_of(event: MentionEnriched) -> str:
    """``<brand>/<intent>``: the tenant (or ``brand`` for a single-brand stack) and the intent label."""
    return f"{event.meta.tenant or DEFAULT_BRAND}/{event.intent.label}"


def subject_of(topic: str) -> str:
    """The topic in a business user's words: ``acme/complaint`` -> ``complaints``."""
    intent = topic.rsplit("/", 1)[-1]
    return _SUBJECTS.get(intent, intent.replace("_", " "))


def sentiment_group(label: str) -> SentimentGroup:
    """Mixed counts as neutral: the digest splits negative, neutral and positive."""
    if label in ("negative", "positive"):
        return label  # type: ignore[return-value]
    return "neutral"
