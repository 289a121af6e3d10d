"""Calibrate ``STRONG_MATCH`` (``talkworthy/ideas/dedupe.py``) on the corpus's calibration split.

The calibration split is :mod:`infra.idea_corpus` with ``CALIBRATION_SEED`` (its own product names,
ideas, paraphrases and new ideas); ``make bench`` evaluates on ``EVALUATION_SEED``. The threshold
chosen is the lowest at which the merges proposed at every size are right at least
``TARGET_PRECISION`` of the time (above the goal of 0.8, for a margin), so as many true duplicates
as possible are proposed without asking the product owner to merge ideas that differ.

Run: ``python -m infra.calibrate_ideas`` (about two minutes); copy the threshold it prints into
``STRONG_MATCH``.
"""

from __future__ import annotations

import sys

from infra.bench_ideas import EVALUATION_SEED, Outcome, quality, run

__all__ = ["CALIBRATION_SEED", "calibrate"]

CALIBRATION_SEED = 11
TARGET_PRECISION = 0.85
SIZES = (1_000, 10_000, 100_000)
assert CALIBRATION_SEED != EVALUATION_SEED


def calibrate(by_size: dict[int, list[Outcome]]) -> float:
    """The lowest threshold (in steps of 0.01) meeting ``TARGET_PRECISION`` at every size."""
    for step in range(0, 101):
        threshold = step / 100
        precisions = [quality(outcomes, threshold)["precision"] for outcomes in by_size.values()]
        if all(p is None or p >= TARGET_PRECISION for p in precisions):
            return threshold
    return 1.0


def main() -> int:
    by_size = {size: run(size, CALIBRATION_SEED)[0] for size in SIZES}
    threshold = calibrate(by_size)
    for size, outcomes in by_size.items():
        print(f"{size:>7} known ideas: {quality(outcomes, threshold)}")
    print(f"STRONG_MATCH = {threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
