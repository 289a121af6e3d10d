"""``python -m infra.intent train|eval|select``: build, measure and publish the learned intent model.

``train`` fits a new version on the training set plus the stored corrections, measures it on both
blind sets and on the corrections, and compares it with the model in force (the published version,
or the packaged one). It refuses (exit 1) when the new version is worse on either blind set
(macro-F1 or complaint recall); otherwise it writes ``--out`` and, with ``--table``, publishes it
to the mesh table, where running enrich functions pick it up within a minute.

``select`` cross-validates configurations (complaint weight, C) on the training set alone and names
the one the rule chooses (``infra/intent/select.py``); set it in ``infra/intent/train.py``.
``eval`` prints the same figures for the cue rules and the packaged model without training.
Corrections come from ``--table`` (the mesh table; ``AWS_ENDPOINT_URL`` selects a local moto).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from infra.intent.report import BLIND_SETS, TRAIN_SET, Classify, as_examples, blind_reports, figures, worse_than
from infra.intent.train import train
from talkworthy.enrichment.corrections import Correction, DynamoDbCorrections, latest_per_target
from talkworthy.enrichment.evaluation import evaluate, load_examples, report_from_predictions
from talkworthy.enrichment.intent import classify_intent
from talkworthy.enrichment.intent_model import load_packaged_model
from talkworthy.enrichment.intent_model_source import PublishedIntentModels, stored_weights
from talkworthy.errors import ConfigurationError

PACKAGED = Path(__file__).resolve().parents[2] / "shared" / "talkworthy" / "enrichment" / "data" / "intent_model.json"


def _table(name: str | None) -> Any:
    if not name:
        return None
    from talkworthy.clients import dynamodb_table

    return dynamodb_table(name)


def _corrections(table: Any) -> list[Correction]:
    return latest_per_target(DynamoDbCorrections(table).all()) if table is not None else []


def _print_reports(title: str, model_classify: Classify, corrections: list[Correction]) -> None:
    for name, report in blind_reports(model_classify).items():
        print(f"\n== {title} on {BLIND_SETS[name].name} (blind)\n{report.table()}")
    if corrections:
        report = evaluate(as_examples(corrections), classify=model_classify)
        print(f"\n== {title} on {len(corrections)} stored corrections\n{report.table()}")


def _in_force(published: PublishedIntentModels | None) -> tuple[Classify | None, dict[str, dict[str, Any]], str]:
    """What a new version must not be worse than (the published or packaged model, else the cue rules):
    how to run it (``None`` if it cannot run), its figures on each blind set, and its name."""
    if published is not None:
        model = published.current()
        return model.classify, _blind_figures(model.classify), f"{published.origin} {model.version}"
    if PACKAGED.exists():
        try:
            model = load_packaged_model()
        except ConfigurationError as err:  # trained on other features than these: keep the figures it shipped with
            document = json.loads(PACKAGED.read_text(encoding="utf-8"))
            print(f"packaged {document.get('version')} cannot run ({err}); comparing with its stored figures")
            return None, {name: document["metrics"][name] for name in BLIND_SETS}, f"packaged {document.get('version')}"
        return model.classify, _blind_figures(model.classify), f"packaged {model.version}"
    return classify_intent, _blind_figures(classify_intent), "cue rules"


def _blind_figures(classify: Classify) -> dict[str, dict[str, Any]]:
    return {name: figures(report) for name, report in blind_reports(classify).items()}


def cmd_eval(args: argparse.Namespace) -> int:
    corrections = _corrections(_table(args.table))
    model = load_packaged_model()
    cv = json.loads(PACKAGED.read_text(encoding="utf-8"))["metrics"]["cv"]
    print(f"== learned {model.version}, 5-fold cross-validated on the training set (n={cv['n']})")
    print(f"{'class':<16} {'prec':>6} {'recall':>6} {'f1':>6}")
    for label, m in cv["per_class"].items():
        print(f"{label:<16} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")
    print(f"{'macro-F1':<16} {cv['macro_f1']:>6.3f}")
    _print_reports("cues", classify_intent, corrections)
    _print_reports(f"learned {model.version}", model.classify, corrections)
    return 0


def train_and_publish(table: Any, out: Path, *, force: bool = False) -> int:
    """Train on the training set + the corrections in ``table``; write ``out`` and publish unless worse."""
    corrections = _corrections(table)
    examples = load_examples(TRAIN_SET) + as_examples(corrections)
    published = PublishedIntentModels(table) if table is not None else None
    current, before, in_force = _in_force(published)
    on_traffic = evaluate(as_examples(corrections), classify=current) if corrections and current else None
    if on_traffic is not None:
        print(f"in force ({in_force}) on {len(corrections)} corrections: accuracy {on_traffic.accuracy:.3f}")

    run = train(examples, version_note=f"{len(corrections)} corrections")
    after = blind_reports(run.model.classify)
    cv = report_from_predictions(run.cv_labels, run.cv_predicted)
    print(f"new version {run.model.version}: {len(examples)} posts ({len(corrections)} corrections)")
    print(f"calibration (5-fold CV): ECE {run.ece_before:.3f} before, {run.ece_after:.3f} after temperature")
    print(f"\n== cross-validated on the training posts\n{cv.table()}")
    for name, report in after.items():
        print(f"\n== {run.model.version} on {BLIND_SETS[name].name} (blind): macro-F1 {report.macro_f1:.3f}")
        print(f"   in force ({in_force}): macro-F1 {before[name]['macro_f1']:.3f}")
    run.document["metrics"] = {
        "cv": figures(cv),
        **{name: figures(report) for name, report in after.items()},
        "ece_cv": round(run.ece_after, 4),
        # real traffic: what the model in force got wrong enough for a person to correct
        "corrections_in_force": figures(on_traffic) if on_traffic is not None else {"n": 0},
    }
    reasons = worse_than({name: figures(report) for name, report in after.items()}, before)
    if reasons and not force:
        print("\nnot published: worse than the model in force: " + "; ".join(reasons))
        return 1
    document = json.dumps(run.document, separators=(",", ":"), sort_keys=True)
    try:
        stored_weights(document)
    except ValueError as err:
        print(f"\nnot published: {err} (MIN_DOCS, PRUNE_BELOW in infra/intent/train.py)")
        return 1
    out.write_text(document + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({len(document) / 1024:.0f} KiB)")
    if published is not None:
        version = published.publish(document, run.document["metrics"])
        print(f"published {version} to {table.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.intent", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_p = sub.add_parser("train", help="train, measure, and publish unless worse")
    train_p.add_argument("--table", help="mesh table: read corrections, publish there")
    train_p.add_argument("--out", default=str(PACKAGED), help="where to write the model JSON")
    train_p.add_argument("--force", action="store_true", help="publish even when worse (say why in the commit)")
    select_p = sub.add_parser("select", help="choose complaint weight and C on cross-validation alone")
    select_p.add_argument("--weights", default="1.0,1.4,2.0,2.8,4.0,5.6", help="complaint weights to try")
    select_p.add_argument("--c", default="16", help="inverse regularisation strengths to try")
    eval_p = sub.add_parser("eval", help="measure the cue rules and the packaged model")
    eval_p.add_argument("--table", help="mesh table to read corrections from")
    args = parser.parse_args(argv)
    if args.command == "train":
        return train_and_publish(_table(args.table), Path(args.out), force=args.force)
    if args.command == "select":
        from infra.intent.select import select
        from infra.intent.train import Config

        weights, cs = ([float(v) for v in text.split(",")] for text in (args.weights, args.c))
        select([Config(complaint_weight=w, c=c) for c in cs for w in weights])
        return 0
    return cmd_eval(args)


if __name__ == "__main__":
    sys.exit(main())
