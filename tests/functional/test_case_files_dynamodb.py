"""Case files on a real (moto) ``MeshTable`` from template.yaml, and Resolve in the built-in CRM."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.local.moto_server import atomic_dynamodb_items
from talkworthy.cases.file import CaseFile, Decision
from talkworthy.cases.store import DynamoDbCaseFiles, change
from talkworthy.catalog import RecordRef
from talkworthy.crm.dynamodb import DynamoDbCrm
from talkworthy.crm.port import CaseRequest

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CASE = RecordRef(system="dynamodb", record_id="TW-1")


def _file(key: str = "open-1") -> CaseFile:
    return CaseFile(case=CASE, goal="Dana can sync again and is told", goal_from="rule complaint", opened_key=key)


def test_a_case_file_is_created_once_per_case(mesh_table: Any) -> None:
    files = DynamoDbCaseFiles(mesh_table)
    assert files.get(CASE) is None
    assert files.create(_file("open-1")) is True
    assert files.create(_file("open-2")) is False  # a second Case.Opened for the same case
    stored = files.get(CASE)
    assert stored is not None
    assert (stored.opened_key, stored.version) == ("open-1", 0)


def test_concurrent_changes_are_each_kept_once(mesh_table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # moto checks a condition and writes with no lock between, so two writers expecting one version
    # could both be accepted (a race in the emulator, not in DynamoDB): the embedded AWS's own bridge
    # closes it (README, moto gaps), and what is tested is the store's retry between calls.
    atomic_dynamodb_items(monkeypatch.setattr)
    files = DynamoDbCaseFiles(mesh_table)
    files.create(_file())

    def decide(n: int) -> None:
        decision = Decision(text=f"decision {n}", by="Alice Moreau", at=T0, key=f"k{n}")
        change(
            files,
            CASE,
            lambda f: None if f.knows(decision.key) else f.model_copy(update={"decisions": [*f.decisions, decision]}),
        )

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(3)] + [
        threading.Thread(target=decide, args=(0,))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = files.get(CASE)
    assert stored is not None
    assert sorted(d.key for d in stored.decisions) == ["k0", "k1", "k2"]  # none lost, the repeated one once
    assert stored.version == 3
    assert files.replace(stored, expected_version=2) is False  # a writer with a stale read is refused


def test_resolve_solves_the_built_in_crm_case_once(crm_table: Any) -> None:
    crm = DynamoDbCrm(crm_table)
    case_id = crm.open_case(
        CaseRequest(
            idempotency_key="m1",
            subject="Sync fails",
            description="d",
            origin_channel="twitter",
            requester_email="ada@example.com",
        )
    ).case_id
    assert [c.case_id for c in crm.open_cases_for(None, "ada@example.com")] == [case_id]
    crm.solve_case(case_id, "Resolved by Alice Moreau from Slack")
    first = crm.record("case", case_id)
    crm.solve_case(case_id, "Resolved by Sam Ortiz from Slack")
    again = crm.record("case", case_id)
    assert first is not None
    assert again is not None
    assert (again["status"], again["resolution"], again["solved_at"]) == (
        "solved",
        "Resolved by Alice Moreau from Slack",
        first["solved_at"],
    )
    assert crm.open_cases_for(None, "ada@example.com") == []  # solved: no longer open
