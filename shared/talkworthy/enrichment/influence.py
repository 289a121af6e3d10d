"""Influence of a mention's author: a bounded, log-scaled, explainable 0..100 score.

Formula (each part saturates at 1, weights add up to 100)::

    reach      = min(1, log10(1 + audience) / log10(1 + 10_000_000))
    engagement = min(1, log10(1 + likes + 2*shares + 1.5*replies) / log10(1 + 100_000))
    standing   = max(clip(reputation, 0, 1), clip(trust_level, 0, 4) / 4)

    score = round(60 * reach + 25 * engagement + 15 * standing)

- Log scaling: 1k followers -> reach 0.43 (26 points), 1M -> 0.86 (51 points): a thousand times the
  audience is about twice the points, not a thousand times.
- Shares count double (they carry the post to a new audience), replies 1.5x (a conversation).
- ``reputation`` is a community standing in [0, 1]; ``trust_level`` is a forum trust level
  (Discourse 0..4). The better of the two counts, so either source alone is enough.
- Unknown (``None``), negative or NaN inputs contribute 0 and count as unknown; nothing raises.
- Monotonic: every part is non-decreasing in each input, so the score is too.
- ``components`` holds each part's points (before rounding); their sum rounds to ``score``.
- ``provenance.confidence`` is the share of the weight that rests on known inputs (audience known
  -> 0.60, + engagement -> 0.85, + reputation or trust level -> 1.00).
"""

from __future__ import annotations

import math
from typing import Final, Protocol

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.catalog.base import Provenance
from talkworthy.catalog.mention import Influence

__all__ = [
    "INFLUENCE_VERSION",
    "EngagementLike",
    "InfluenceResult",
    "influence_score",
]

INFLUENCE_VERSION: Final = "1"
AUDIENCE_WEIGHT: Final = 60.0
ENGAGEMENT_WEIGHT: Final = 25.0
STANDING_WEIGHT: Final = 15.0
AUDIENCE_SATURATION: Final = 10_000_000
ENGAGEMENT_SATURATION: Final = 100_000
SHARE_WEIGHT: Final = 2.0
REPLY_WEIGHT: Final = 1.5
MAX_TRUST_LEVEL: Final = 4.0
_HUGE: Final = 1e18  # far past every saturation point; keeps huge ints and inf finite


class EngagementLike(Protocol):
    """Anything with like/share/reply counts (the catalog's ``Engagement``, a vendor payload, ...)."""

    @property
    def likes(self) -> int | None: ...

    @property
    def shares(self) -> int | None: ...

    @property
    def replies(self) -> int | None: ...


class InfluenceResult(BaseModel):
    """The score, the points each part contributed, and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    score: int = Field(ge=0, le=100)
    components: dict[str, float]
    provenance: Provenance

    def to_influence(self) -> Influence:
        """The catalog's ``Influence`` block for ``Mention.Enriched``."""
        return Influence(score=self.score, provenance=self.provenance)


def influence_score(
    audience: int | None,
    engagement: EngagementLike | None = None,
    reputation: float | None = None,
    *,
    trust_level: int | None = None,
) -> InfluenceResult:
    """Influence 0..100 from audience size, engagement on the post and community standing."""
    reach = _log_share(audience, AUDIENCE_SATURATION)
    interactions: float | None = None
    if engagement is not None:
        interactions = (
            _count(engagement.likes)
            + SHARE_WEIGHT * _count(engagement.shares)
            + REPLY_WEIGHT * _count(engagement.replies)
        )
    engaged = _log_share(interactions, ENGAGEMENT_SATURATION)
    standing = max(_clip(reputation, 1.0), _clip(trust_level, MAX_TRUST_LEVEL) / MAX_TRUST_LEVEL)

    components = {
        "audience": AUDIENCE_WEIGHT * reach,
        "engagement": ENGAGEMENT_WEIGHT * engaged,
        "reputation": STANDING_WEIGHT * standing,
    }
    total = components["audience"] + components["engagement"] + components["reputation"]
    score = max(0, min(100, math.floor(total + 0.5)))

    engagement_known = engagement is not None and any(
        _known(n) for n in (engagement.likes, engagement.shares, engagement.replies)
    )
    known = (
        AUDIENCE_WEIGHT * _known(audience)
        + ENGAGEMENT_WEIGHT * engagement_known
        + STANDING_WEIGHT * (_known(reputation) or _known(trust_level))
    )
    return InfluenceResult(
        score=score,
        components=components,
        provenance=Provenance(
            provider="talkworthy", model="influence-log", version=INFLUENCE_VERSION, confidence=known / 100.0
        ),
    )


def _known(value: float | None) -> bool:
    """A usable input: present, not NaN (the one value unequal to itself), not negative."""
    return value is not None and value == value and value >= 0


def _count(value: float | None) -> float:
    """A count as a float, with unknown/negative/NaN as 0 (compares before converting huge ints)."""
    if value is None or not _known(value):
        return 0.0
    if value >= _HUGE:
        return _HUGE
    return float(value)


def _clip(value: float | None, upper: float) -> float:
    return min(upper, _count(value))


def _log_share(value: float | None, saturation: float) -> float:
    """log10(1 + value) as a share of log10(1 + saturation), capped at 1."""
    return min(1.0, math.log10(1.0 + _count(value)) / math.log10(1.0 + saturation))
