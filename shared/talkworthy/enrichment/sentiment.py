"""Sentiment of a mention: the :class:`SentimentAnalyzer` port, the VADER default, and the selector.

Every analyzer returns a :class:`~talkworthy.catalog.base.Score` whose ``label`` is one of
``positive``, ``negative``, ``neutral`` or ``mixed`` and whose ``value`` is a polarity in [-1, 1].
Importing this module is cheap: vaderSentiment is imported and its lexicon loaded on first use, and
boto3 is never imported (the Comprehend client comes from the caller's factory).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

from talkworthy.catalog.base import Provenance, Score
from talkworthy.catalog.mention import SentimentLabel
from talkworthy.enrichment.comprehend import (
    ComprehendClient,
    ComprehendSentimentAnalyzer,
    UnsupportedLanguageError,
    truncate_utf8,
)
from talkworthy.errors import ConfigurationError

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

__all__ = [
    "VADER_THRESHOLD",
    "ComprehendClient",
    "ComprehendSentimentAnalyzer",
    "SentimentAnalyzer",
    "UnsupportedLanguageError",
    "VaderSentimentAnalyzer",
    "select_sentiment_analyzer",
    "truncate_utf8",
]

VADER_THRESHOLD: Final = 0.05


class SentimentAnalyzer(Protocol):
    """Port: the sentiment of one text. ``language`` is an ISO 639-1 tag when known."""

    def analyze(self, text: str, language: str | None = None) -> Score: ...


class VaderSentimentAnalyzer:
    """VADER (rule- and lexicon-based, tuned for social media text: emoji, caps, "!!!", slang).

    ``value`` is VADER's normalised ``compound`` score; the label uses VADER's standard thresholds
    (compound >= 0.05 positive, <= -0.05 negative, otherwise neutral). VADER never says ``mixed``.

    ``confidence`` is how far ``compound`` sits from the nearest label boundary, relative to the
    width of the label's band, mapped to [0.5, 1]: exactly on a boundary it is 0.5 (a coin flip
    between the two neighbouring labels); it reaches 1.0 at compound = +/-1 for positive/negative and
    at compound = 0 for neutral. So a text with no sentiment words is a confident neutral, and a
    barely-positive text an unconfident positive.

    VADER's lexicon is English; ``language`` is accepted for the port but ignored.
    The underlying ``SentimentIntensityAnalyzer`` (~40 ms to load) is built once, on first use,
    and is safe to share across threads afterwards (it only reads its lexicon).
    """

    def __init__(self) -> None:
        self._vader: SentimentIntensityAnalyzer | None = None
        self._version = "unknown"
        self._lock = threading.Lock()

    def _analyzer(self) -> SentimentIntensityAnalyzer:
        if self._vader is None:
            with self._lock:
                if self._vader is None:
                    from importlib.metadata import PackageNotFoundError, version

                    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                    try:
                        self._version = version("vaderSentiment")
                    except PackageNotFoundError:  # pragma: no cover - vendored copy without metadata
                        self._version = "unknown"
                    self._vader = SentimentIntensityAnalyzer()
        return self._vader

    def analyze(self, text: str, language: str | None = None) -> Score:
        compound = max(-1.0, min(1.0, float(self._analyzer().polarity_scores(text)["compound"])))
        label: SentimentLabel
        if compound >= VADER_THRESHOLD:
            label, distance = "positive", (compound - VADER_THRESHOLD) / (1.0 - VADER_THRESHOLD)
        elif compound <= -VADER_THRESHOLD:
            label, distance = "negative", (-compound - VADER_THRESHOLD) / (1.0 - VADER_THRESHOLD)
        else:
            label, distance = "neutral", 1.0 - abs(compound) / VADER_THRESHOLD
        confidence = max(0.0, min(1.0, 0.5 + 0.5 * distance))
        return Score(
            label=label,
            value=compound,
            provenance=Provenance(
                provider="vader", model="vaderSentiment", version=self._version, confidence=confidence
            ),
        )


def select_sentiment_analyzer(provider: str, comprehend_client_factory: Callable[[], Any]) -> SentimentAnalyzer:
    """The analyzer named by settings: ``"vader"`` or ``"comprehend"`` (case-insensitive).

    The factory is called only for Comprehend, so the VADER path never builds an AWS client.
    Anything else raises :class:`~talkworthy.errors.ConfigurationError` (at cold start).
    """
    name = provider.strip().lower()
    if name == "vader":
        return VaderSentimentAnalyzer()
    if name == "comprehend":
        return ComprehendSentimentAnalyzer(comprehend_client_factory())
    raise ConfigurationError(f"unknown sentiment provider {provider!r}; expected 'vader' or 'comprehend'")
