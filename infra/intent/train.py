"""Training the intent model offline: features → logistic regression → temperature → plain JSON weights.

scikit-learn and numpy are imported here only (a dev dependency); the exported JSON is evaluated in
pure Python by :class:`talkworthy.enrichment.intent_model.IntentModel`, with the same
:func:`~talkworthy.enrichment.intent_features.extract`, so training and serving cannot drift apart.

Calibration: 5-fold cross-validated probabilities on the training posts give out-of-fold logits; one
temperature ``T`` (softmax of ``logits / T``) is fitted to them by minimising the log-loss, and the
expected calibration error (ECE, 10 equal-width bins) is reported before and after.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talkworthy.catalog.base import Score
from talkworthy.enrichment.evaluation import Example
from talkworthy.enrichment.intent import INTENT_LABELS
from talkworthy.enrichment.intent_features import FEATURES_VERSION, Feature, extract
from talkworthy.enrichment.intent_model import MODEL_FORMAT, IntentModel
from talkworthy.enrichment.sentiment import VaderSentimentAnalyzer

__all__ = ["Config", "TrainingRun", "cross_validated_logits", "expected_calibration_error", "featurize", "train"]

C = 16.0  # inverse L2 strength, chosen by cross-validation on the training set only
# Class weights: balanced, and complaints weighted up (chosen by cross-validation on the training set):
# a complaint read as praise or "other" is logged, not answered, the costliest mistake in the inbox.
COMPLAINT_WEIGHT = 4.0
MIN_DOCS = 2  # a feature seen in one post only is noise (and weight file size)
FOLDS = 5
THRESHOLD = 0.5  # below this calibrated confidence a mention goes to triage
DECIMALS = 4
# Weights are stored as whole hundredths: on 4,498 posts, thousandths -> hundredths changed no
# training-set label and confidences by <= 0.004, and the gzipped weights fell from 393 to 290 KB
# (one DynamoDB item holds 400 KB, :data:`MAX_WEIGHTS_BYTES`).
WEIGHT_SCALE = 1e-2
PRUNE_BELOW = 0.02  # dropping smaller weights changes no training-set label and confidences by <= 0.001


@dataclass(frozen=True)
class TrainingRun:
    model: IntentModel
    document: dict[str, Any]
    cv_labels: list[str]
    cv_predicted: list[str]
    cv_confidence: list[float]
    ece_before: float
    ece_after: float


def featurize(examples: Sequence[Example]) -> list[list[Feature]]:
    """Features of each post, with VADER sentiment as the enrich step computes it."""
    vader = VaderSentimentAnalyzer()
    out = []
    for example in examples:
        sentiment: Score = vader.analyze(example.text)
        out.append(extract(example.text, sentiment))
    return out


def _matrix(rows: list[list[Feature]], vocabulary: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    data, indices, indptr = [], [], [0]
    for row in rows:
        for name, value, _source in row:
            column = vocabulary.get(name)
            if column is not None:
                data.append(value)
                indices.append(column)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))


def _vocabulary(rows: list[list[Feature]]) -> dict[str, int]:
    docs = Counter(name for row in rows for name, _value, _source in row)
    kept = sorted(name for name, count in docs.items() if count >= MIN_DOCS)
    return {name: i for i, name in enumerate(kept)}


@dataclass(frozen=True)
class Config:
    """What the fit is chosen by (``python -m infra.intent select``), cross-validation only."""

    complaint_weight: float = COMPLAINT_WEIGHT
    c: float = C


def _fit(rows: list[list[Feature]], labels: list[str], config: Config) -> tuple[Any, dict[str, int]]:
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(rows)
    counts = Counter(labels)
    weights = {label: len(labels) / (len(counts) * count) for label, count in counts.items()}
    weights["complaint"] = weights.get("complaint", 1.0) * config.complaint_weight
    classifier = LogisticRegression(C=config.c, max_iter=5000, class_weight=weights)
    classifier.fit(_matrix(rows, vocabulary), labels)
    return classifier, vocabulary


def _softmax(logits: Any, temperature: float) -> Any:
    import numpy as np

    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(logits: Any, truth: Any) -> float:
    import numpy as np

    best, best_loss = 1.0, math.inf
    for temperature in np.exp(np.linspace(math.log(0.2), math.log(5.0), 200)):
        probs = _softmax(logits, float(temperature))
        loss = -float(np.mean(np.log(probs[np.arange(len(truth)), truth] + 1e-12)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by the posts in each."""
    total = len(confidence)
    if not total:
        return 0.0
    error = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence) if low < c <= high or (b == 0 and c == 0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            mean_conf = sum(confidence[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - mean_conf)
    return error


def cross_validated_logits(rows: list[list[Feature]], labels: list[str], config: Config) -> Any:
    """Out-of-fold logits (posts x :data:`INTENT_LABELS`), 5 stratified folds of the training posts."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    order: list[str] = list(INTENT_LABELS)
    oof = np.zeros((len(rows), len(order)))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=12)
    for fit_idx, test_idx in folds.split(np.zeros(len(rows)), labels):
        classifier, vocabulary = _fit([rows[i] for i in fit_idx], [labels[i] for i in fit_idx], config)
        logits = classifier.decision_function(_matrix([rows[i] for i in test_idx], vocabulary))
        columns = [list(classifier.classes_).index(label) for label in order]
        oof[test_idx] = logits[:, columns]
    return oof


def train(examples: Sequence[Example], *, version_note: str = "", config: Config | None = None) -> TrainingRun:
    """Cross-validate (for the temperature and the honest training-set figures), then fit on everything."""
    import numpy as np

    config = config or Config()
    rows = featurize(examples)
    labels: list[str] = [example.label for example in examples]
    order: list[str] = list(INTENT_LABELS)
    truth = np.array([order.index(label) for label in labels])
    oof = cross_validated_logits(rows, labels, config)
    temperature = _fit_temperature(oof, truth)
    before, after = _softmax(oof, 1.0), _softmax(oof, temperature)
    predicted = after.argmax(axis=1)
    correct = list(predicted == truth)
    ece_before = expected_calibration_error(list(before.max(axis=1)), list(before.argmax(axis=1) == truth))
    ece_after = expected_calibration_error(list(after.max(axis=1)), correct)

    classifier, vocabulary = _fit(rows, labels, config)
    columns = [list(classifier.classes_).index(label) for label in order]
    coef = classifier.coef_[columns]
    weights = {
        name: [round(float(w) / WEIGHT_SCALE) for w in coef[:, column]]
        for name, column in vocabulary.items()
        if float(np.abs(coef[:, column]).max()) >= PRUNE_BELOW
    }
    document: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "features_version": FEATURES_VERSION,
        "labels": order,
        "intercept": [round(float(b), DECIMALS) for b in classifier.intercept_[columns]],
        "temperature": round(temperature, DECIMALS),
        "threshold": THRESHOLD,
        "weight_scale": WEIGHT_SCALE,
        "weights": weights,
        "trained_on": {"posts": len(examples), "per_class": dict(Counter(labels)), "note": version_note},
        "calibration": {"ece_cv_uncalibrated": round(ece_before, 4), "ece_cv": round(ece_after, 4)},
    }
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:10]
    document["version"] = f"{FEATURES_VERSION}.{digest}"
    model = IntentModel.from_json(json.dumps(document))
    return TrainingRun(
        model=model,
        document=document,
        cv_labels=labels,
        cv_predicted=[order[i] for i in predicted],
        cv_confidence=[float(c) for c in after.max(axis=1)],
        ece_before=ece_before,
        ece_after=ece_after,
    )
