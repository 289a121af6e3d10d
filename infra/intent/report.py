"""Measuring intent classifiers on the labelled sets: per-class figures, the publish gate, bench keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from talkworthy.catalog.base import Score
from talkworthy.enrichment.corrections import Correction
from talkworthy.enrichment.evaluation import EvaluationReport, Example, evaluate, load_examples
from talkworthy.enrichment.intent import IntentResult

__all__ = [
    "BLIND_SETS",
    "DATA",
    "TRAIN_SET",
    "Classify",
    "as_examples",
    "blind_reports",
    "complaint_as_praise",
    "figures",
    "worse_than",
]

# One post of a 140-post blind set moves macro-F1 by about 0.007: a smaller drop is noise, not a worse
# model (retraining on a few corrections moves single posts). Complaint recall has no such allowance.
MACRO_F1_NOISE = 0.007
DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
TRAIN_SET = DATA / "intent_train.yaml"
BLIND_SETS = {"holdout": DATA / "intent_holdout.yaml", "holdout_2": DATA / "intent_holdout_2.yaml"}

Classify = Callable[[str, Score | None], IntentResult]


def as_examples(corrections: Sequence[Correction]) -> list[Example]:
    return [Example(text=c.text, label=c.corrected) for c in corrections]


def blind_reports(classify: Classify) -> dict[str, EvaluationReport]:
    return {name: evaluate(load_examples(path), classify=classify) for name, path in BLIND_SETS.items()}


def complaint_as_praise(report: EvaluationReport) -> float:
    """The share of complaints classified as praise: logged, not answered, the costliest mistake."""
    complaints = sum(report.confusion["complaint"].values())
    return report.confusion["complaint"]["praise"] / complaints if complaints else 0.0


def figures(report: EvaluationReport) -> dict[str, Any]:
    """Stable keys for bench-results.json: macro-F1, accuracy, per-class P/R/F1, complaints read as praise."""
    as_praise = complaint_as_praise(report)
    return {
        "n": report.total,
        "macro_f1": round(report.macro_f1, 3),
        "accuracy": round(report.accuracy, 3),
        "complaint_as_praise_rate": round(as_praise, 3),
        "per_class": {
            label: {"precision": round(m.precision, 3), "recall": round(m.recall, 3), "f1": round(m.f1, 3)}
            for label, m in report.per_class.items()
        },
    }


def worse_than(candidate: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]) -> list[str]:
    """Why the candidate may not be published: any blind set where its macro-F1 drops by more than one
    post's worth (:data:`MACRO_F1_NOISE`) or its complaint recall drops at all.

    Both sides are :func:`figures` per blind set (rounded alike), so the model in force can be measured
    now or, when it cannot run any more (trained on other features), taken from its stored figures.
    """
    reasons = []
    for name, after in candidate.items():
        before = current[name]
        if after["macro_f1"] < before["macro_f1"] - MACRO_F1_NOISE:
            reasons.append(f"{name}: macro-F1 {after['macro_f1']:.3f} < {before['macro_f1']:.3f}")
        recall, recall_before = (f["per_class"]["complaint"]["recall"] for f in (after, before))
        if recall < recall_before:
            reasons.append(f"{name}: complaint recall {recall:.3f} < {recall_before:.3f}")
    return reasons
