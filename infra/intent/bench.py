"""The ``intent`` section of ``make bench`` (and ``make eval``): quality, calibration, size, CPU.

Quality per set: macro-F1, accuracy, per-class precision/recall/F1, the share of complaints read
as praise; for the learned model also how many posts go to triage and the accuracy on the rest.
The training-set figures are the cross-validated ones stored in the model file by the trainer
(training on the same posts would flatter the model).
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from infra.intent.__main__ import PACKAGED
from infra.intent.report import BLIND_SETS, figures
from talkworthy.enrichment.evaluation import Example, evaluate, load_examples
from talkworthy.enrichment.intent import classify_intent
from talkworthy.enrichment.intent_model import load_packaged_model
from talkworthy.enrichment.sentiment import VaderSentimentAnalyzer

__all__ = ["intent_figures"]

PerCall = Callable[[Callable[[], object]], float]
_SAMPLE = "great job acme, third outage this week. really keeping us on our toes"


def _triage(examples: list[Example]) -> dict[str, Any]:
    """Of the posts the learned model is sure of, how many it gets right; how many it hands to a person."""
    model, vader = load_packaged_model(), VaderSentimentAnalyzer()
    sure = right = complaints_as_praise = 0
    for example in examples:
        result = model.classify(example.text, vader.analyze(example.text))
        if result.triage_reason:
            continue
        sure += 1
        right += result.label == example.label
        complaints_as_praise += example.label == "complaint" and result.label == "praise"
    complaints = sum(e.label == "complaint" for e in examples)
    return {
        "triage_rate": round(1 - sure / len(examples), 3),
        "accuracy_when_sure": round(right / sure, 3) if sure else 0.0,
        "complaint_as_praise_untriaged_rate": round(complaints_as_praise / complaints, 3) if complaints else 0.0,
    }


def _first_use_ms() -> float:
    """Fresh processes, median of 5: read and parse the packaged weights, the modules already imported."""
    code = (
        "from talkworthy.enrichment.intent_model import load_packaged_model; import time; "
        "t = time.perf_counter(); load_packaged_model(); print(time.perf_counter() - t)"
    )
    command = [sys.executable, "-c", code]
    runs = [
        float(subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()[-1]) for _ in range(5)
    ]
    return round(statistics.median(runs) * 1000, 1)


def intent_figures(per_call: PerCall) -> dict[str, Any]:
    model = load_packaged_model()
    document = json.loads(PACKAGED.read_text(encoding="utf-8"))
    vader = VaderSentimentAnalyzer()
    sentiment = vader.analyze(_SAMPLE)
    out: dict[str, Any] = {
        "model_version": model.version,
        "features": len(model.weights),
        "weights_bytes": PACKAGED.stat().st_size,
        "weights_gzip_bytes": len(gzip.compress(PACKAGED.read_bytes())),
        "first_use_load_ms": _first_use_ms(),
        "classify_us_cues": round(per_call(lambda: classify_intent(_SAMPLE, sentiment)) * 1e6, 1),
        "classify_us_learned": round(per_call(lambda: model.classify(_SAMPLE, sentiment)) * 1e6, 1),
        "calibration_ece_cv": document["calibration"]["ece_cv"],
        "calibration_ece_cv_uncalibrated": document["calibration"]["ece_cv_uncalibrated"],
        "threshold": model.threshold,
        "train_cv": document["metrics"]["cv"],
    }
    for name, path in BLIND_SETS.items():
        examples = load_examples(path)
        out[name] = {
            "cues": figures(evaluate(examples, classify=classify_intent)),
            "learned": {**figures(evaluate(examples, classify=model.classify)), **_triage(examples)},
        }
    return out
