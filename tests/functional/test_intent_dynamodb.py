"""Intent corrections and published model versions on the mesh table (moto), and the retraining gate."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from infra.intent.__main__ import train_and_publish
from infra.intent.report import TRAIN_SET
from talkworthy.enrichment.corrections import Correction, DynamoDbCorrections, InMemoryCorrections, latest_per_target
from talkworthy.enrichment.evaluation import load_examples
from talkworthy.enrichment.intent_model import load_packaged_model
from talkworthy.enrichment.intent_model_source import MAX_WEIGHTS_BYTES, PublishedIntentModels, stored_weights

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _correction(key: str, text: str, corrected: str, predicted: str = "praise", minutes: int = 0) -> Correction:
    return Correction(
        key=f"slack:{key}:{minutes}",
        target=f"mention::{key}",
        text=text,
        predicted=predicted,
        corrected=corrected,
        model="intent-linear",
        model_version="2.x",
        corrected_by="slack:U0TRIAGE",
        corrected_at=AT + timedelta(minutes=minutes),
    )


@pytest.mark.parametrize("store_kind", ["dynamodb", "memory"])
def test_corrections_are_kept_one_per_mention_latest_wins_and_redelivery_is_harmless(
    store_kind: str, mesh_table: Any
) -> None:
    store = DynamoDbCorrections(mesh_table) if store_kind == "dynamodb" else InMemoryCorrections()
    first = _correction("standard:msg_1", "great, down again", "complaint")
    other = _correction("standard:msg_2", "how much for 30 seats?", "sales_lead", predicted="question", minutes=1)
    changed_mind = _correction("standard:msg_1", "great, down again", "support_request", minutes=2)

    store.record(first)
    store.record(first)  # the same click delivered twice
    store.record(other)
    store.record(changed_mind)

    assert store.all() == [first, other, changed_mind]  # every click is kept, once
    assert latest_per_target(store.all()) == [other, changed_mind]  # what the trainer learns from


def _clock() -> tuple[list[float], Any]:
    now = [0.0]
    return now, lambda: now[0]


def test_a_published_version_is_picked_up_within_max_age_without_a_redeploy(mesh_table: Any) -> None:
    packaged = load_packaged_model()
    document = json.loads(Path("shared/talkworthy/enrichment/data/intent_model.json").read_text())
    document["version"] = "2.published-test"
    now, clock = _clock()
    source = PublishedIntentModels(mesh_table, max_age_seconds=60, clock=clock)

    assert source.current() is packaged
    assert source.origin == "fallback"
    PublishedIntentModels(mesh_table).publish(json.dumps(document), {"holdout": {"macro_f1": 0.8}})
    now[0] = 30
    assert source.current() is packaged  # not re-read yet
    now[0] = 61

    assert source.current().version == "2.published-test"
    assert source.origin == "published"


def test_a_broken_publication_keeps_the_last_good_model_and_says_why(mesh_table: Any) -> None:
    document = json.loads(Path("shared/talkworthy/enrichment/data/intent_model.json").read_text())
    document["version"] = "2.good"
    now, clock = _clock()
    source = PublishedIntentModels(mesh_table, max_age_seconds=1, clock=clock)
    source.publish(json.dumps(document), {})
    assert source.current().version == "2.good"

    mesh_table.put_item(Item={"pk": "INTENT_MODEL", "sk": "VERSION#2.bad", "weights": gzip.compress(b"{oops")})
    mesh_table.put_item(Item={"pk": "INTENT_MODEL", "sk": "CURRENT", "version": "2.bad"})
    now[0] = 5

    assert source.current().version == "2.good"
    assert source.origin == "last_good"
    assert "invalid intent model" in str(source.last_error)
    mesh_table.put_item(Item={"pk": "INTENT_MODEL", "sk": "CURRENT", "version": "2.missing"})
    now[0] = 10
    assert source.current().version == "2.good"
    assert "not stored" in str(source.last_error)


def test_retraining_refuses_a_version_made_worse_by_bad_corrections(mesh_table: Any, tmp_path: Path) -> None:
    # Someone "corrected" every training praise to complaint: the blind sets must stop that model.
    # (The other way round no longer poisons it: complaints weigh 4 times their balanced weight.)
    store = DynamoDbCorrections(mesh_table)
    praise = [e for e in load_examples(TRAIN_SET) if e.label == "praise"]
    for i, example in enumerate(praise):
        store.record(_correction(f"poison:{i}", example.text + " !", "complaint", predicted="praise"))
    out = tmp_path / "model.json"

    code = train_and_publish(mesh_table, out)

    assert code == 1
    assert not out.exists()
    assert PublishedIntentModels(mesh_table).published_version() is None


def test_retraining_with_good_corrections_publishes_a_version_that_enrich_picks_up(
    mesh_table: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In force: a published version with no weights (one label for every post), which any retrained
    # model beats by far. Against the packaged model itself, two corrections move a few blind posts
    # either way (3.6203bd96cf: blind 1 macro-F1 0.838 -> 0.825), and the gate's verdict would be that
    # noise, not this path; test_intent_gate.py covers the comparison itself.
    weak = json.loads(Path("shared/talkworthy/enrichment/data/intent_model.json").read_text())
    weak.update(version="3.weak", weights={})
    PublishedIntentModels(mesh_table).publish(json.dumps(weak), {})
    store = DynamoDbCorrections(mesh_table)
    store.record(_correction("c:1", "yet another acme outage, my whole afternoon gone", "complaint"))
    store.record(_correction("c:2", "what would acme business cost for our 14 person studio", "sales_lead", "question"))
    out = tmp_path / "model.json"

    code = train_and_publish(mesh_table, out)

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "on 2 corrections: accuracy" in printed
    document = json.loads(out.read_text())
    assert document["trained_on"]["posts"] == len(load_examples(TRAIN_SET)) + 2
    assert document["metrics"]["corrections_in_force"]["n"] == 2
    published = PublishedIntentModels(mesh_table)
    assert published.published_version() == document["version"]
    assert published.current().version == document["version"]


def test_a_version_too_large_for_one_item_is_refused_and_the_packaged_one_fits(mesh_table: Any) -> None:
    packaged = Path("shared/talkworthy/enrichment/data/intent_model.json").read_text()
    assert len(stored_weights(packaged)) <= MAX_WEIGHTS_BYTES
    bloated = json.loads(packaged)
    # weights that do not compress: one more random-named feature per 12 bytes or so
    bloated["weights"].update({f"w:{n:x}{n * 7919 % 104729:x}": [n % 997] * 7 for n in range(60_000)})
    bloated["version"] = "3.bloated"
    published = PublishedIntentModels(mesh_table)

    with pytest.raises(ValueError, match="over one item"):
        published.publish(json.dumps(bloated), {})

    assert published.published_version() is None
