"""The dedupe index on a real (moto) ``MeshTable``: bounded lists, counts, and redelivery changing nothing;
and the ideas themselves read together."""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.ideas import store_dynamodb
from talkworthy.ideas.dedupe import Deduper
from talkworthy.ideas.model import Idea
from talkworthy.ideas.store_dynamodb import DynamoDbIdeaStore, DynamoDbTermStore
from talkworthy.ideas.terms import TOTAL


def test_a_paraphrase_is_found_through_the_table(mesh_table: Any) -> None:
    deduper = Deduper(DynamoDbTermStore(mesh_table))
    deduper.check_in("canny:1", "Add velkor dark mode in the mobile app", "We need it for night shifts")
    deduper.check_in("canny:2", "Export quinmi invoices as CSV", "Accounting asks for it")
    found = deduper.check_in("mention:x:9", "Velkor dark mode for the phone app, for night shifts")
    assert [c.ref for c in found][:1] == ["canny:1"]
    assert "mention:x:9" in DynamoDbTermStore(mesh_table).terms(["w:velkor"])["w:velkor"].refs


def test_adding_again_changes_nothing(mesh_table: Any) -> None:
    store = DynamoDbTermStore(mesh_table)
    deduper = Deduper(store)
    deduper.add("canny:1", "Add velkor dark mode")
    before = store.terms([TOTAL, "w:velkor", "p:velkor dark"])
    deduper.add("canny:1", "Add velkor dark mode")  # a redelivery
    assert store.terms([TOTAL, "w:velkor", "p:velkor dark"]) == before
    assert before["w:velkor"].count == 1
    assert before[TOTAL].count == 1
    assert store.entries(["canny:1"])["canny:1"]["terms"][:2] == ["w:add", "w:velkor"]


def test_a_full_list_stops_growing_and_the_count_goes_on(mesh_table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_dynamodb, "POSTING_CAP", 2)
    store = DynamoDbTermStore(mesh_table)
    deduper = Deduper(store)
    for n in range(4):
        deduper.add(f"canny:{n}", "Slack alerts")
    deduper.add("canny:3", "Slack alerts")  # a redelivery of a capped term: counted once
    term = store.terms(["w:slack"])["w:slack"]
    assert (term.count, set(term.refs), term.capped) == (4, {"canny:0", "canny:1"}, True)
    assert store.terms([TOTAL])[TOTAL].count == 4


def test_ideas_are_read_together_in_one_consistent_batch(mesh_table: Any) -> None:
    store = DynamoDbIdeaStore(mesh_table)
    assert store.save([Idea(ref="canny:1", title="Dark mode"), Idea(ref="canny:2", title="CSV export")])
    assert store.save([store.get("canny:2").model_copy(update={"status": "planned"})])  # type: ignore[union-attr]
    sent: list[dict[str, Any]] = []
    mesh_table.meta.client.meta.events.register(
        "provide-client-params.dynamodb", lambda params, model, **_: sent.append({"op": model.name, **params})
    )
    found = store.get_many(["canny:1", "canny:2", "canny:3", "canny:1"])
    assert {ref: (idea.title, idea.version) for ref, idea in found.items()} == {
        "canny:1": ("Dark mode", 1),
        "canny:2": ("CSV export", 2),
    }
    assert [call["op"] for call in sent] == ["BatchGetItem"]
    assert next(iter(sent[0]["RequestItems"].values()))["ConsistentRead"] is True
