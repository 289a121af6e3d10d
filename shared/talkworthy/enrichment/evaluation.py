"""Evaluate an intent classifier on labelled posts: per-class precision/recall/F1, accuracy, macro-F1.

Used by ``tests/unit/test_intent_eval.py`` and by scripts (``make`` targets) that print the table::

    from talkworthy.enrichment.evaluation import evaluate, load_examples
    print(evaluate(load_examples("tests/data/intent_eval.yaml")).table())
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from talkworthy.catalog.base import Score
from talkworthy.catalog.mention import IntentLabel
from talkworthy.enrichment.intent import INTENT_LABELS, IntentResult, classify_intent
from talkworthy.enrichment.sentiment import SentimentAnalyzer, VaderSentimentAnalyzer
from talkworthy.errors import InvalidInputError

__all__ = [
    "ClassMetrics",
    "EvaluationReport",
    "Example",
    "Miss",
    "evaluate",
    "load_examples",
    "report_from_predictions",
]

Classifier = Callable[[str, Score | None], IntentResult]


@dataclass(frozen=True)
class Example:
    text: str
    label: IntentLabel


@dataclass(frozen=True)
class ClassMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    predicted: str
    cues: tuple[str, ...]
    scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class EvaluationReport:
    per_class: dict[str, ClassMetrics]
    accuracy: float
    macro_f1: float
    total: int
    confusion: dict[str, dict[str, int]] = field(repr=False)
    misses: tuple[Miss, ...] = field(repr=False)

    def table(self, *, show_misses: bool = False) -> str:
        """A plain-text table: one row per class, then accuracy, macro-F1 and a confusion matrix."""
        labels = list(self.per_class)
        lines = [f"{'class':<16} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5} {'pred':>5}"]
        for m in self.per_class.values():
            scores = f"{m.precision:>6.3f} {m.recall:>6.3f} {m.f1:>6.3f}"
            lines.append(f"{m.label:<16} {scores} {m.support:>5} {m.predicted:>5}")
        lines.append(f"{'accuracy':<16} {self.accuracy:>6.3f}   (n={self.total})")
        lines.append(f"{'macro-F1':<16} {self.macro_f1:>6.3f}")
        short = {label: label[:7] for label in labels}
        lines.append("")
        lines.append("confusion (rows = expected, columns = predicted)")
        lines.append(f"{'':<16}" + "".join(f"{short[p]:>8}" for p in labels))
        for expected in labels:
            row = self.confusion[expected]
            lines.append(f"{expected:<16}" + "".join(f"{row[p]:>8}" for p in labels))
        if show_misses and self.misses:
            lines.append("")
            lines.append("misses")
            for miss in self.misses:
                lines.append(f"  [{miss.expected} -> {miss.predicted}] {miss.text}")
                lines.append(f"      cues: {', '.join(miss.cues) or '-'}")
                lines.append(f"      scores: {', '.join(f'{k}={v:.2f}' for k, v in miss.scores)}")
        return "\n".join(lines)


def load_examples(path: str | Path) -> list[Example]:
    """Labelled posts from a YAML list of ``{text, label}`` (PyYAML is imported only here)."""
    import yaml

    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise InvalidInputError(f"{path}: expected a list of {{text, label}}")
    return [_example(item) for item in raw]


def _example(item: object) -> Example:
    if isinstance(item, Example):
        return item
    if not isinstance(item, Mapping):
        raise InvalidInputError(f"expected {{text, label}}, got {item!r}")
    text, label = item.get("text"), item.get("label")
    if not isinstance(text, str) or not text.strip() or label not in INTENT_LABELS:
        raise InvalidInputError(f"bad example (text must be non-empty, label one of {INTENT_LABELS}): {item!r}")
    return Example(text=text, label=label)


def evaluate(
    examples: Iterable[Example | Mapping[str, object]],
    *,
    analyzer: SentimentAnalyzer | None = None,
    classify: Classifier = classify_intent,
    use_sentiment: bool = True,
) -> EvaluationReport:
    """Classify every example the way the enrich step does (sentiment first, then intent) and score it.

    ``analyzer`` defaults to :class:`VaderSentimentAnalyzer` (the production default); pass
    ``use_sentiment=False`` to measure the rules alone.
    """
    items = [_example(item) for item in examples]
    if use_sentiment and analyzer is None:
        analyzer = VaderSentimentAnalyzer()
    labels: list[str] = list(INTENT_LABELS)
    confusion = {expected: dict.fromkeys(labels, 0) for expected in labels}
    misses: list[Miss] = []
    for example in items:
        sentiment = analyzer.analyze(example.text) if use_sentiment and analyzer is not None else None
        result = classify(example.text, sentiment)
        confusion[example.label][result.label] += 1
        if result.label != example.label:
            evidence = tuple(f"{label}<{cue}>" for label, cues in result.evidence.items() for cue in cues)
            ranked = tuple(sorted(((k, v) for k, v in result.scores.items() if v), key=lambda kv: -kv[1]))
            misses.append(Miss(example.text, example.label, result.label, evidence, ranked))

    return _report(confusion, tuple(misses))


def report_from_predictions(expected: Iterable[str], predicted: Iterable[str]) -> EvaluationReport:
    """The same report from labels predicted elsewhere (e.g. cross-validated predictions of a trainer)."""
    labels: list[str] = list(INTENT_LABELS)
    confusion = {label: dict.fromkeys(labels, 0) for label in labels}
    for truth, guess in zip(expected, predicted, strict=True):
        confusion[truth][guess] += 1
    return _report(confusion, ())


def _report(confusion: dict[str, dict[str, int]], misses: tuple[Miss, ...]) -> EvaluationReport:
    labels = list(confusion)
    per_class: dict[str, ClassMetrics] = {}
    for label in labels:
        true_pos = confusion[label][label]
        support = sum(confusion[label].values())
        predicted = sum(confusion[expected][label] for expected in labels)
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassMetrics(label, precision, recall, f1, support, predicted)

    present = [m for m in per_class.values() if m.support or m.predicted]
    total = sum(sum(row.values()) for row in confusion.values())
    correct = sum(confusion[label][label] for label in labels)
    return EvaluationReport(
        per_class=per_class,
        accuracy=correct / total if total else 0.0,
        macro_f1=sum(m.f1 for m in present) / len(present) if present else 0.0,
        total=total,
        confusion=confusion,
        misses=misses,
    )
