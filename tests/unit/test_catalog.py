"""The event catalog: samples validate, exported schemas are current, metadata behaves."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from infra.schemas import SCHEMA_DIR, rendered, stale
from talkworthy.catalog import CATALOG, EventMeta, MentionReceived

DETAILS = sorted((Path(__file__).parents[2] / "events" / "details").glob("*.json"))


def test_every_detail_type_has_a_sample() -> None:
    assert {path.stem for path in DETAILS} == set(CATALOG)


@pytest.mark.parametrize("path", DETAILS, ids=lambda p: p.stem)
def test_sample_validates_against_model_and_exported_schema(path: Path) -> None:
    sample = json.loads(path.read_text())
    model = CATALOG[sample["detail-type"]]
    detail = model.model_validate(sample["detail"])
    assert detail.meta.producer == sample["source"]
    schema = json.loads((SCHEMA_DIR / f"{sample['detail-type']}.schema.json").read_text())
    jsonschema.validate(json.loads(detail.model_dump_json()), schema)


def test_exported_schemas_are_current() -> None:
    assert stale() == [], "run `make schemas` and commit events/schemas/"
    assert len(rendered()) == len(CATALOG)


def test_stale_detects_an_edited_schema(tmp_path: Path) -> None:
    for name, text in rendered().items():
        (tmp_path / name).write_text(text)
    victim = next(iter(rendered()))
    (tmp_path / victim).write_text("{}")
    (tmp_path / "Gone.Away.schema.json").write_text("{}")
    assert stale(tmp_path) == sorted([victim, "Gone.Away.schema.json"])


def _meta(key: str = "standard:msg_1") -> EventMeta:
    return EventMeta(
        event_key=key,
        correlation_id="req-1",
        producer="talkworthy.ingress.standard",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_derived_meta_keeps_correlation_and_is_stable_per_step() -> None:
    parent = _meta()
    child = parent.derive("talkworthy.enrich", "enriched")
    assert child.correlation_id == parent.correlation_id
    assert child.event_key == parent.derive("talkworthy.enrich", "enriched").event_key
    assert child.event_key != parent.derive("talkworthy.enrich", "other").event_key


def test_derived_key_stays_within_limit_and_unique() -> None:
    parent = _meta("k" * 200)
    a = parent.derive("talkworthy.route", "case")
    b = parent.derive("talkworthy.route", "lead")
    assert len(a.event_key) <= 200
    assert a.event_key != b.event_key


def test_unknown_fields_and_bad_producer_are_rejected() -> None:
    sample = json.loads((SCHEMA_DIR.parent / "details" / "Mention.Received.json").read_text())["detail"]
    with pytest.raises(ValidationError):
        MentionReceived.model_validate({**sample, "surprise": 1})
    with pytest.raises(ValidationError):
        MentionReceived.model_validate({**sample, "meta": {**sample["meta"], "producer": "someone.else"}})
