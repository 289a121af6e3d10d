"""The surge demo's premise: every post of its burst is read as a complaint by the mesh's own enrichment.

A post read as something else (a log-in problem is a support request) counts towards another topic's
surge, and at the demo's short buckets that second surge opens or not by timing alone.
"""

from __future__ import annotations

import pytest

from infra.demo_surge import COMPLAINTS
from talkworthy.enrichment.intent_classifier import LearnedIntentClassifier
from talkworthy.enrichment.intent_model_source import PackagedIntentModel
from talkworthy.enrichment.sentiment import VaderSentimentAnalyzer


@pytest.mark.parametrize("text", COMPLAINTS)
def test_every_post_of_the_burst_is_read_as_a_confident_complaint(text: str) -> None:
    result = LearnedIntentClassifier(PackagedIntentModel()).classify(text, VaderSentimentAnalyzer().analyze(text), "en")

    assert result.label == "complaint", result.scores
    assert result.triage_reason is None
