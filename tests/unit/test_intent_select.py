"""The rule that chooses the intent model's fit on cross-validation alone (infra/intent/select.py)."""

from __future__ import annotations

from infra.intent.select import Measured, choose
from infra.intent.train import Config


def _measured(weight: float, macro: float, recall: float, lowest: float, as_praise: float) -> Measured:
    return Measured(Config(complaint_weight=weight, c=16.0), macro, recall, lowest, as_praise)


def test_each_target_counts_once_and_praise_must_stay_under_its_limit() -> None:
    assert _measured(1.0, 0.85, 0.85, 0.75, 0.049).met == 4
    assert _measured(1.0, 0.849, 0.85, 0.75, 0.05).met == 2  # macro-F1 just short; 5% is not under 5%
    assert _measured(1.0, 0.9, 0.7, 0.7, 0.2).met == 1


def test_most_targets_met_wins_then_the_higher_macro_f1() -> None:
    tried = [
        _measured(1.0, 0.872, 0.812, 0.812, 0.101),  # 2 targets, best macro-F1
        _measured(2.8, 0.868, 0.853, 0.800, 0.079),  # 3
        _measured(4.0, 0.870, 0.874, 0.797, 0.069),  # 3, better macro-F1 than 2.8
        _measured(8.0, 0.865, 0.891, 0.777, 0.061),  # 3
    ]

    assert choose(tried).config.complaint_weight == 4.0
    assert choose(tried[:2]).config.complaint_weight == 2.8
