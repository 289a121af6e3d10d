"""The publish gate of ``python -m infra.intent train``: a new version may not be worse on a blind set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import infra.intent.__main__ as intent_cli
from infra.intent.report import worse_than
from talkworthy.errors import ConfigurationError


def _figures(macro_f1: float, complaint_recall: float) -> dict[str, Any]:
    return {"macro_f1": macro_f1, "per_class": {"complaint": {"recall": complaint_recall}}}


def test_a_drop_in_macro_f1_or_complaint_recall_on_any_blind_set_refuses_the_version() -> None:
    current = {"holdout": _figures(0.821, 0.65), "holdout_2": _figures(0.915, 0.90)}

    assert worse_than({"holdout": _figures(0.828, 0.65), "holdout_2": _figures(0.943, 0.95)}, current) == []
    # a drop of one post's worth (0.007) is noise; more is a worse model
    assert worse_than({"holdout": _figures(0.815, 0.65), "holdout_2": _figures(0.936, 0.95)}, current) == []
    assert worse_than({"holdout": _figures(0.809, 0.65), "holdout_2": _figures(0.936, 0.95)}, current) == [
        "holdout: macro-F1 0.809 < 0.821"
    ]
    assert worse_than({"holdout": _figures(0.83, 0.60), "holdout_2": _figures(0.92, 0.85)}, current) == [
        "holdout: complaint recall 0.600 < 0.650",
        "holdout_2: complaint recall 0.850 < 0.900",
    ]


def test_a_model_in_force_that_cannot_run_is_compared_by_the_figures_stored_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {"holdout": _figures(0.821, 0.65), "holdout_2": _figures(0.915, 0.90), "cv": _figures(0.85, 0.7)}
    packaged = tmp_path / "intent_model.json"
    packaged.write_text(json.dumps({"version": "2.old", "features_version": "1", "metrics": stored}))

    def unreadable() -> None:
        raise ConfigurationError("invalid intent model: features version '1', expected '2'")

    monkeypatch.setattr(intent_cli, "PACKAGED", packaged)
    monkeypatch.setattr(intent_cli, "load_packaged_model", unreadable)

    classify, figures, name = intent_cli._in_force(None)

    assert classify is None
    assert figures == {"holdout": stored["holdout"], "holdout_2": stored["holdout_2"]}
    assert name == "packaged 2.old"
