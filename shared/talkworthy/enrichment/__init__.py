"""Pure enrichment logic for mentions: sentiment, intent, influence, and the intent evaluation.

Importing this package is cheap: it never imports boto3, and VADER's lexicon loads on first use.
"""

from __future__ import annotations

from talkworthy.enrichment.comprehend import (
    ComprehendClient,
    ComprehendSentimentAnalyzer,
    UnsupportedLanguageError,
    truncate_utf8,
)
from talkworthy.enrichment.evaluation import ClassMetrics, EvaluationReport, Example, evaluate, load_examples
from talkworthy.enrichment.influence import EngagementLike, InfluenceResult, influence_score
from talkworthy.enrichment.intent import INTENT_LABELS, IntentResult, classify_intent
from talkworthy.enrichment.sentiment import (
    SentimentAnalyzer,
    VaderSentimentAnalyzer,
    select_sentiment_analyzer,
)

__all__ = [
    "INTENT_LABELS",
    "ClassMetrics",
    "ComprehendClient",
    "ComprehendSentimentAnalyzer",
    "EngagementLike",
    "EvaluationReport",
    "Example",
    "InfluenceResult",
    "IntentResult",
    "SentimentAnalyzer",
    "UnsupportedLanguageError",
    "VaderSentimentAnalyzer",
    "classify_intent",
    "evaluate",
    "influence_score",
    "load_examples",
    "select_sentiment_analyzer",
    "truncate_utf8",
]
