"""Choosing the intent classifier (``INTENT_CLASSIFIER=cues|learned``) and flagging what it cannot judge.

Both classifiers flag a post in a language the models do not cover (the mention's ``language``, or
:func:`~talkworthy.enrichment.language.guess_language` when absent): the label is kept as a best
guess, but ``triage_reason=unsupported_language`` sends it to a person instead of an automatic
action. The learned classifier also flags ``low_confidence`` below its calibrated threshold; the
cue rules' confidence is a margin, not a probability, so they never do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from talkworthy.catalog.base import Score
from talkworthy.enrichment.intent import IntentResult, classify_intent
from talkworthy.enrichment.language import covered
from talkworthy.errors import ConfigurationError

if TYPE_CHECKING:
    from talkworthy.enrichment.intent_model_source import IntentModelSource

__all__ = ["CuesIntentClassifier", "IntentClassifier", "LearnedIntentClassifier", "select_intent_classifier"]


class IntentClassifier(Protocol):
    def classify(self, text: str, sentiment: Score | None = None, language: str | None = None) -> IntentResult: ...


def _flag_language(result: IntentResult, text: str, language: str | None) -> IntentResult:
    ok, tag = covered(language, text)
    if ok:
        return result
    return result.model_copy(update={"triage_reason": "unsupported_language", "language": tag})


class CuesIntentClassifier:
    """The explainable cue rules (:func:`~talkworthy.enrichment.intent.classify_intent`)."""

    def classify(self, text: str, sentiment: Score | None = None, language: str | None = None) -> IntentResult:
        return _flag_language(classify_intent(text, sentiment), text, language)


class LearnedIntentClassifier:
    """The linear model of :mod:`~talkworthy.enrichment.intent_model`, from a model source."""

    def __init__(self, models: IntentModelSource) -> None:
        self._models = models

    def classify(self, text: str, sentiment: Score | None = None, language: str | None = None) -> IntentResult:
        return _flag_language(self._models.current().classify(text, sentiment), text, language)


def select_intent_classifier(name: str, models: Callable[[], IntentModelSource]) -> IntentClassifier:
    """``cues`` or ``learned`` (case-insensitive); ``models`` is called only for ``learned``."""
    choice = name.strip().lower()
    if choice == "cues":
        return CuesIntentClassifier()
    if choice == "learned":
        return LearnedIntentClassifier(models())
    raise ConfigurationError(f"unknown intent classifier {name!r}; expected 'cues' or 'learned'")
