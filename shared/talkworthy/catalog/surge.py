"""Surges: a topic's mentions well above what that time of the week usually brings.

The community context counts ``Mention.Enriched`` per topic (brand and intent) in short buckets and
runs the detector (``community/surge.py``) on every finished bucket: ``Surge.Detected`` when a
surge opens, ``Surge.Updated`` for each bucket while it lasts, ``Surge.Resolved`` after a quiet
period. Each carries the evidence of the bucket that caused it and the surge's figures so far, so
a consumer that missed one event still has the whole picture from the next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from talkworthy.catalog.base import Detail, _Model

__all__ = ["SentimentSplit", "SurgeDetected", "SurgeEvidence", "SurgeResolved", "SurgeUpdated"]


class SentimentSplit(_Model):
    negative: int = Field(default=0, ge=0)
    neutral: int = Field(default=0, ge=0)
    positive: int = Field(default=0, ge=0)


class SurgeEvidence(_Model):
    """What one finished bucket showed, against what it usually holds."""

    bucket_start: datetime
    bucket_seconds: int = Field(gt=0)
    count: int = Field(ge=0)
    sentiment: SentimentSplit
    expected: float = Field(ge=0, description="median of the same bucket of the week (or the recent ones)")
    sigma: float = Field(gt=0, description="robust spread: 1.4826 x MAD, at least sqrt(expected) and 1")
    basis: Literal["same-hour-of-week", "recent", "floor"]
    tail_probability: float = Field(ge=0, le=1, description="P(X >= count) under Poisson(expected)")
    z_score: float


class _Surge(Detail):
    surge_id: str = Field(min_length=1, max_length=200, description="<topic>@<first bucket>, stable per surge")
    topic: str = Field(description="<brand>/<intent>: what is being counted")
    brand: str
    subject: str = Field(description="the topic in words: 'complaints'")
    opened_at: datetime = Field(description="start of the first unusual bucket")
    total: int = Field(ge=0, description="mentions of the topic since the surge opened")
    peak: int = Field(ge=0, description="the busiest bucket's count")
    trend: list[int] = Field(description="count per bucket since the surge opened, oldest first (last 48)")
    sentiment: SentimentSplit = Field(description="the sentiment of every mention since the surge opened")
    evidence: SurgeEvidence


class SurgeDetected(_Surge):
    DETAIL_TYPE = "Surge.Detected"


class SurgeUpdated(_Surge):
    DETAIL_TYPE = "Surge.Updated"


class SurgeResolved(_Surge):
    DETAIL_TYPE = "Surge.Resolved"
    resolved_at: datetime = Field(description="end of the last bucket of the quiet period")
