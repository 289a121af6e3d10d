"""The learned intent model: a linear model over :mod:`intent_features`, evaluated in pure Python.

Trained offline by ``python -m infra.intent train`` (scikit-learn, a dev dependency) and exported as
plain JSON: per-feature weights for each label, intercepts, and a temperature fitted on
cross-validated predictions so that ``confidence`` is calibrated (of the posts given 0.8, about 80 %
are right). No numpy or scikit-learn here: the layer stays small and cold start stays cheap.

``cues`` are the features that contributed most to the chosen label, named the way Slack shows
them: ``word:"outage"``, ``negated:"impressed"``, ``phrase:"charged twice"``, the rule cues behind
the rule-score features (``pattern:sarcasm``), ``sentiment:negative``.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Final, cast

from talkworthy.catalog.base import Provenance, Score
from talkworthy.catalog.mention import IntentLabel
from talkworthy.enrichment.intent import INTENT_LABELS, IntentResult
from talkworthy.enrichment.intent_features import CUES_SOURCE, FEATURES_VERSION, Feature, extract
from talkworthy.errors import ConfigurationError

__all__ = ["MODEL_FORMAT", "IntentModel", "load_packaged_model"]

MODEL_FORMAT: Final = "talkworthy-intent-linear/1"
TOP_CUES: Final = 5


@dataclass(frozen=True)
class IntentModel:
    """Weights and calibration of one model version. Build with :meth:`from_json`."""

    version: str
    labels: tuple[IntentLabel, ...]
    intercept: tuple[float, ...]
    weights: Mapping[str, Sequence[float]]
    temperature: float
    threshold: float
    digest: str

    @classmethod
    def from_json(cls, text: str | bytes) -> IntentModel:
        """Parse an exported model; a malformed one is a :class:`ConfigurationError` naming the problem."""
        try:
            data = json.loads(text)
            if data.get("format") != MODEL_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {MODEL_FORMAT!r}")
            if data.get("features_version") != FEATURES_VERSION:
                raise ValueError(f"features version {data.get('features_version')!r}, expected {FEATURES_VERSION!r}")
            labels = tuple(data["labels"])
            if set(labels) != set(INTENT_LABELS) or len(labels) != len(INTENT_LABELS):
                raise ValueError(f"labels {labels!r} are not {INTENT_LABELS!r}")
            scale = float(data.get("weight_scale", 1.0))
            # tuples of floats: the garbage collector stops tracking them, 15k rows cost it nothing
            weights = {str(k): tuple(x * scale for x in v) for k, v in data["weights"].items()}
            if any(len(row) != len(labels) for row in weights.values()) or len(data["intercept"]) != len(labels):
                raise ValueError("every weight row and the intercept need one value per label")
            temperature = float(data["temperature"])
            threshold = float(data["threshold"])
            if temperature <= 0 or not 0 <= threshold <= 1:
                raise ValueError("temperature must be > 0 and threshold within [0, 1]")
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ConfigurationError(f"invalid intent model: {err}") from err
        raw = text.encode() if isinstance(text, str) else text
        return cls(
            version=str(data["version"]),
            labels=cast("tuple[IntentLabel, ...]", labels),
            intercept=tuple(float(x) for x in data["intercept"]),
            weights=weights,
            temperature=temperature,
            threshold=threshold,
            digest=hashlib.sha256(raw).hexdigest()[:16],
        )

    @cached_property
    def _columns(self) -> tuple[dict[str, float], ...]:
        """One ``feature -> weight`` dict per label, so scoring runs as C-level ``map``/``sum``."""
        return tuple({name: row[i] for name, row in self.weights.items()} for i in range(len(self.labels)))

    def _scored(self, features: Sequence[Feature]) -> tuple[list[float], list[Feature]]:
        """Calibrated probability of each label (in ``labels`` order), and the features the model knows."""
        known = [feature for feature in features if feature[0] in self.weights]
        names = [name for name, _, _ in known]
        values = [value for _, value, _ in known]
        logits = [
            bias + sum(map(operator.mul, values, map(column.__getitem__, names)))
            for bias, column in zip(self.intercept, self._columns, strict=True)
        ]
        scaled = [z / self.temperature for z in logits]
        top = max(scaled)
        exps = [math.exp(z - top) for z in scaled]
        total = sum(exps)
        return [e / total for e in exps], known

    def probabilities(self, features: Sequence[Feature]) -> list[float]:
        """Calibrated probability of each label, in ``labels`` order."""
        return self._scored(features)[0]

    def classify(self, text: str, sentiment: Score | None = None) -> IntentResult:
        """The most likely label, the runner-up, calibrated confidence, and the cues that decided it."""
        probs, known = self._scored(extract(text, sentiment))
        order = sorted(range(len(self.labels)), key=lambda i: -probs[i])
        best, second = order[0], order[1]
        return IntentResult(
            label=self.labels[best],
            cues=_top_cues(known, self._columns[best]),
            scores={label: round(p, 4) for label, p in zip(self.labels, probs, strict=True)},
            evidence={},
            runner_up=self.labels[second],
            runner_up_confidence=round(probs[second], 4),
            triage_reason="low_confidence" if probs[best] < self.threshold else None,
            provenance=Provenance(
                provider="talkworthy", model="intent-linear", version=self.version, confidence=round(probs[best], 4)
            ),
        )


def _top_cues(known: list[Feature], column: Mapping[str, float]) -> list[str]:
    """The shown names with the largest positive contributions to the label (only those are formatted).

    Contributions are summed by source first: a word's character grams and the word itself add up.
    """
    names = [name for name, _, _ in known]
    amounts = map(operator.mul, [value for _, value, _ in known], map(column.__getitem__, names))
    by_source: dict[str, float] = {}
    for amount, (_, _, source) in zip(amounts, known, strict=True):
        if amount > 0:
            by_source[source] = by_source.get(source, 0.0) + amount
    shown: dict[str, float] = {}
    for source in heapq.nlargest(TOP_CUES * 2, by_source, key=by_source.__getitem__):
        for name in _shown(source):
            shown[name] = shown.get(name, 0.0) + by_source[source]
    ranked = sorted(shown.items(), key=lambda item: -item[1])
    return [name for name, _ in ranked[:TOP_CUES]]


def _shown(source: str) -> list[str]:
    """How a feature's source is named in an explanation (several rule cues share one rule-score feature)."""
    if source.startswith(CUES_SOURCE):
        return [cue for cue in source.removeprefix(CUES_SOURCE).split("|") if cue]
    if source.startswith("sentiment:"):
        return [source]
    if source.startswith("not_"):
        return [f'negated:"{source.removeprefix("not_")}"']
    if " " in source:
        return [f'phrase:"{source}"']
    return [f'word:"{source}"']


@cache
def load_packaged_model() -> IntentModel:
    """The model shipped in the layer (``talkworthy/enrichment/data/intent_model.json``), read once, lazily."""
    data = resources.files("talkworthy.enrichment").joinpath("data/intent_model.json").read_bytes()
    return IntentModel.from_json(data)
