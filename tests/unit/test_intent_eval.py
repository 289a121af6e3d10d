"""Intent classifier against the hand-labelled evaluation set (tests/data/intent_eval.yaml).

Run with ``pytest -s`` to see the table. The same table comes from
``talkworthy.enrichment.evaluation.evaluate(load_examples(path)).table()``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from talkworthy.catalog.base import Provenance, Score
from talkworthy.enrichment.evaluation import EvaluationReport, Example, evaluate, load_examples
from talkworthy.enrichment.intent import INTENT_LABELS, IntentResult
from talkworthy.errors import InvalidInputError

EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "intent_eval.yaml"
HOLDOUT_SET = Path(__file__).resolve().parents[1] / "data" / "intent_holdout.yaml"

# Floors, set just below the FIRST honest run of the classifier (v1.0 rules + VADER sentiment, before
# any tuning): macro-F1 0.877, lowest per-class recall 0.844 (sales_lead and idea), accuracy 0.875.
# They guard against regressions below the untuned level while leaving room for general cue changes:
# with 32 posts per class one post is 0.031 recall, so 0.80 tolerates about one more miss per class than
# the first run. These numbers are optimistic: the set and the cues share an author; the blind
# held-out set below says what to expect on posts the cues were not written from. Do not raise the
# floors to what a tuned run reaches on this same set.
MACRO_F1_FLOOR = 0.85
RECALL_FLOOR = 0.80
MIN_PER_CLASS = 25
MIN_TOTAL = 210
# The held-out set (140 posts, 20 per class) was written blind to the cues by another author. Its
# first run, with the rules as they were: accuracy 0.664, macro-F1 0.663; weakest recall complaint
# 0.40, idea 0.50 (posts with no cue fall to "other"). This is the figure to expect on real traffic.
# The floor guards that level; never tune cues on these posts, or the figure stops meaning anything.
HOLDOUT_MACRO_F1_FLOOR = 0.62


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples(EVAL_SET)


@pytest.fixture(scope="module")
def report(examples: list[Example]) -> EvaluationReport:
    result = evaluate(examples)
    print(f"\n\nIntent evaluation on {EVAL_SET.name}\n{result.table(show_misses=True)}\n")
    return result


def test_eval_set_is_large_balanced_and_unique(examples: list[Example]) -> None:
    counts = Counter(example.label for example in examples)

    assert len(examples) >= MIN_TOTAL
    assert set(counts) == set(INTENT_LABELS)
    assert min(counts.values()) >= MIN_PER_CLASS, counts
    assert len({example.text for example in examples}) == len(examples), "duplicate posts"


def test_macro_f1_is_above_floor(report: EvaluationReport) -> None:
    assert report.macro_f1 >= MACRO_F1_FLOOR, report.table()


@pytest.mark.parametrize("label", INTENT_LABELS)
def test_recall_of_every_class_is_above_floor(report: EvaluationReport, label: str) -> None:
    assert report.per_class[label].recall >= RECALL_FLOOR, report.table()


def test_blind_holdout_stays_at_its_first_measured_level() -> None:
    holdout = load_examples(HOLDOUT_SET)
    counts = Counter(example.label for example in holdout)
    result = evaluate(holdout)
    print(f"\n\nIntent evaluation on {HOLDOUT_SET.name} (blind)\n{result.table()}\n")

    assert set(counts) == set(INTENT_LABELS), counts
    assert min(counts.values()) >= 20, counts
    assert not {e.text for e in holdout} & {e.text for e in load_examples(EVAL_SET)}, "holdout overlaps the eval set"
    assert result.macro_f1 >= HOLDOUT_MACRO_F1_FLOOR, result.table()


def test_report_is_consistent(report: EvaluationReport, examples: list[Example]) -> None:
    correct = sum(report.confusion[label][label] for label in INTENT_LABELS)

    assert report.total == len(examples)
    assert sum(sum(row.values()) for row in report.confusion.values()) == len(examples)
    assert report.accuracy == pytest.approx(correct / len(examples))
    assert len(report.misses) == len(examples) - correct


# --- the evaluate() helper itself, with a stub classifier and hand-computed metrics ------------------


def _stub(predictions: dict[str, str]) -> Callable[[str, Score | None], IntentResult]:
    def classify(text: str, sentiment: Score | None) -> IntentResult:
        return IntentResult(
            label=predictions[text],
            cues=["pattern:stub"],
            scores={},
            evidence={},
            provenance=Provenance(provider="test", model="stub", version="0", confidence=1.0),
        )

    return classify


def test_evaluate_computes_precision_recall_f1_by_hand() -> None:
    examples = [
        {"text": "a", "label": "support_request"},
        {"text": "b", "label": "support_request"},
        {"text": "c", "label": "complaint"},
        {"text": "d", "label": "question"},
    ]
    predicted = {"a": "support_request", "b": "complaint", "c": "complaint", "d": "support_request"}

    result = evaluate(examples, classify=_stub(predicted), use_sentiment=False)

    support, complaint, question = (result.per_class[k] for k in ("support_request", "complaint", "question"))
    assert (support.precision, support.recall, support.f1) == (0.5, 0.5, 0.5)
    assert (complaint.precision, complaint.recall) == (0.5, 1.0)
    assert complaint.f1 == pytest.approx(2 / 3)
    assert (question.precision, question.recall, question.f1) == (0.0, 0.0, 0.0)
    assert result.accuracy == 0.5
    # macro-F1 averages the labels that occur (expected or predicted): 3 here, not all 7
    assert result.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)
    assert [(m.expected, m.predicted) for m in result.misses] == [
        ("support_request", "complaint"),
        ("question", "support_request"),
    ]
    table = result.table(show_misses=True)
    assert "support_request" in table
    assert "macro-F1" in table
    assert "[question -> support_request] d" in table


def test_load_examples_rejects_unknown_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {text: 'hello', label: spam}\n", encoding="utf-8")

    with pytest.raises(InvalidInputError, match="label"):
        load_examples(bad)


# --- the learned model (tests/unit/test_intent_learned.py covers its mechanics) ---------------------

TRAIN_SET = Path(__file__).resolve().parents[1] / "data" / "intent_train.yaml"
HOLDOUT_2_SET = Path(__file__).resolve().parents[1] / "data" / "intent_holdout_2.yaml"
# Floors just under the current honest run of the learned model (3.c6227cfa7e, 4,498 training posts,
# complaints weighted 4.0; chosen by 5-fold cross-validation on the training set only, the blind sets
# measured once, as aggregates, after the choice; published over the gate's refusal, see the design notes):
#   holdout:   macro-F1 0.913, complaint recall 0.75, lowest class F1 0.789 (complaint), complaints
#              read as praise 1/20 (0.05) - macro-F1 and lowest F1 meet the targets, complaint
#              recall and complaints as praise do not (0.85 / 0.85 / 0.75 / < 0.05);
#   holdout_2: macro-F1 0.971, complaint recall 0.95, lowest class F1 0.947 (support_request), no
#              complaint read as praise - every target met.
# Before: 3.6203bd96cf had 0.838 / 0.80 / 0.696 / 0.05 and 0.922 / 0.95 / 0.844 / 0; 2.8c728b5e45
# 0.828 / 0.65 / 0.650 / 0.10 and 0.943 / 0.95 / 0.923 / 0; the first run (2.66bd77ba7e) 0.821 / 0.65 /
# 0.634 / 0.10 and 0.915 / 0.90 / 0.857 / 0. One post is ~0.007 macro-F1 and 0.05 of a class's recall:
# each floor allows about one post less than the run.
# Both blind sets are never trained or tuned on; raise a floor only after a run that did not look at them.
LEARNED_FLOORS = {
    HOLDOUT_SET: {"macro_f1": 0.90, "complaint_recall": 0.70, "lowest_f1": 0.77, "complaint_as_praise": 0.10},
    HOLDOUT_2_SET: {"macro_f1": 0.96, "complaint_recall": 0.90, "lowest_f1": 0.93, "complaint_as_praise": 0.05},
}


def test_training_set_is_large_covers_every_class_and_shares_no_post_with_the_measuring_sets() -> None:
    train = load_examples(TRAIN_SET)
    counts = Counter(example.label for example in train)
    texts = {example.text.lower() for example in train}
    measuring = [*load_examples(EVAL_SET), *load_examples(HOLDOUT_SET), *load_examples(HOLDOUT_2_SET)]

    assert len(train) >= 1500
    assert min(counts[label] for label in INTENT_LABELS) >= 200, counts
    assert len(texts) == len(train), "duplicate training posts"
    assert not texts & {example.text.lower() for example in measuring}, "a training post is in a measuring set"


@pytest.mark.parametrize("path", [HOLDOUT_SET, HOLDOUT_2_SET], ids=["holdout", "holdout_2"])
def test_learned_model_on_the_blind_sets_stays_at_its_first_measured_level(path: Path) -> None:
    from talkworthy.enrichment.intent_model import load_packaged_model

    examples = load_examples(path)
    result = evaluate(examples, classify=load_packaged_model().classify)
    print(f"\n\nLearned intent model on {path.name} (blind)\n{result.table()}\n")
    floors = LEARNED_FLOORS[path]
    complaints = sum(result.confusion["complaint"].values())

    assert min(Counter(e.label for e in examples).values()) >= 20
    assert result.macro_f1 >= floors["macro_f1"], result.table()
    assert result.per_class["complaint"].recall >= floors["complaint_recall"], result.table()
    assert min(m.f1 for m in result.per_class.values()) >= floors["lowest_f1"], result.table()
    assert result.confusion["complaint"]["praise"] / complaints <= floors["complaint_as_praise"], result.table()
