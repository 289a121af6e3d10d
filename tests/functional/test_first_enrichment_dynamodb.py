"""DynamoDbFirstEnrichments against moto, on MeshTable created from template.yaml."""

from __future__ import annotations

from typing import Any

from talkworthy.catalog import Segment
from talkworthy.enrichment.first import RETENTION_SECONDS, DynamoDbFirstEnrichments
from tests.unit.usecases.mention_builders import enriched


def test_the_first_enrichment_is_kept_and_a_later_one_gets_it_back(mesh_table: Any) -> None:
    store = DynamoDbFirstEnrichments(mesh_table, clock=lambda: 1_000_000.0)
    first = enriched(intent="complaint", tier="prospect", key="standard:msg_9>enriched")
    later = first.model_copy(update={"segment": Segment(tier="standard", basis="history")})

    assert store.keep(first) == first
    assert store.keep(later) == first

    item = mesh_table.get_item(Key={"pk": "ENRICHED#standard:msg_9>enriched", "sk": "ENRICHED"})["Item"]
    assert item["kind"] == "enriched"
    assert len(item["doc"].value) < 1000  # compressed: with its key, one write unit
    assert item["expires_at"] == 1_000_000 + RETENTION_SECONDS  # the table's TTL attribute
