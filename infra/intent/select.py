"""``python -m infra.intent select``: choose the fit on cross-validation of the training posts alone.

The rule, fixed before any blind figure is seen: among the configurations tried, the one that meets
most of the issue's four targets on 5-fold cross-validation of the training set, ties broken by the
cross-validated macro-F1. No blind set is read here; ``train`` measures the chosen one on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infra.intent.report import TRAIN_SET, complaint_as_praise
from infra.intent.train import Config, cross_validated_logits, featurize
from talkworthy.enrichment.evaluation import load_examples, report_from_predictions
from talkworthy.enrichment.intent import INTENT_LABELS
from talkworthy.enrichment.intent_features import Feature

__all__ = ["TARGETS", "Measured", "choose", "measure", "select"]

# The targets: macro-F1, complaint recall and the lowest class F1 at least these; complaints
# read as praise under the last.
TARGETS = {"macro_f1": 0.85, "complaint_recall": 0.85, "lowest_f1": 0.75, "complaint_as_praise": 0.05}


@dataclass(frozen=True)
class Measured:
    config: Config
    macro_f1: float
    complaint_recall: float
    lowest_f1: float
    complaint_as_praise: float

    @property
    def met(self) -> int:
        return sum(
            (
                self.macro_f1 >= TARGETS["macro_f1"],
                self.complaint_recall >= TARGETS["complaint_recall"],
                self.lowest_f1 >= TARGETS["lowest_f1"],
                self.complaint_as_praise < TARGETS["complaint_as_praise"],
            )
        )

    def line(self) -> str:
        return (
            f"complaint weight {self.config.complaint_weight:<4} C {self.config.c:<5} macro-F1 {self.macro_f1:.3f}  "
            f"complaint recall {self.complaint_recall:.3f}  lowest F1 {self.lowest_f1:.3f}  "
            f"complaints as praise {self.complaint_as_praise:.3f}  targets met {self.met}"
        )


def choose(measured: Sequence[Measured]) -> Measured:
    return max(measured, key=lambda m: (m.met, m.macro_f1))


def measure(rows: list[list[Feature]], labels: list[str], config: Config) -> Measured:
    logits = cross_validated_logits(rows, labels, config)
    predicted = [INTENT_LABELS[i] for i in logits.argmax(axis=1)]
    report = report_from_predictions(labels, predicted)
    return Measured(
        config=config,
        macro_f1=report.macro_f1,
        complaint_recall=report.per_class["complaint"].recall,
        lowest_f1=min(m.f1 for m in report.per_class.values()),
        complaint_as_praise=complaint_as_praise(report),
    )


def select(configs: Sequence[Config]) -> Measured:
    examples = load_examples(TRAIN_SET)
    rows, labels = featurize(examples), [str(example.label) for example in examples]
    measured = []
    for n, config in enumerate(configs, 1):
        measured.append(measure(rows, labels, config))
        print(f"[{n}/{len(configs)}] {measured[-1].line()}", flush=True)
    chosen = choose(measured)
    weight, c = chosen.config.complaint_weight, chosen.config.c
    print(f"\nchosen: complaint weight {weight}, C {c} ({chosen.met} targets met)")
    return chosen
