"""`talkworthy` against a running local mesh: status, a parked event listed, shown and redriven."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from infra.local.mesh import LocalMesh

DETAILS = Path(__file__).resolve().parents[2] / "events" / "details"
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _park_a_poison_case(mesh: LocalMesh) -> None:
    detail = json.loads((DETAILS / "Case.Opened.json").read_text())["detail"]
    del detail["case"]
    detail["meta"]["event_key"] = "cli-poison-1"
    mesh.session.client("events").put_events(
        Entries=[
            {
                "EventBusName": mesh.stack.attr("Bus"),
                "Source": "talkworthy.route",
                "DetailType": "Case.Opened",
                "Detail": json.dumps(detail),
            }
        ]
    )
    assert mesh.wait_idle(timeout=60)


def test_status_lists_every_context_and_the_last_delivery(cli_mesh: LocalMesh) -> None:
    _run("send", "events/webhooks/standard/mention_created_complaint.json")
    assert cli_mesh.wait_idle(timeout=60)
    found = json.loads(_run("status", "--json"))
    assert {row["context"] for row in found["contexts"]} >= {"mentions", "cases", "notify"}
    assert all(row["dlq"] == 0 for row in found["contexts"])
    assert "standard" in found["last_delivery_by_sender"]
    assert "mentions" in _run("status")  # the table a person reads


def test_a_parked_event_is_listed_with_its_reason_shown_and_redriven(cli_mesh: LocalMesh) -> None:
    _park_a_poison_case(cli_mesh)
    listed = json.loads(_run("dlq", "list", "cases", "--json"))
    assert [item["event_key"] for item in listed] == ["cli-poison-1"]
    assert "Field required" in listed[0]["reason"]
    assert listed[0]["attributes"]["error"] == "InvalidEvent"
    assert "cli-poison-1" in _run("dlq", "show", "cases", listed[0]["message_id"][:8])
    status = json.loads(_run("status", "--json"))
    assert next(row for row in status["contexts"] if row["context"] == "cases")["dlq"] == 1

    assert "would move 1 event(s)" in _run("dlq", "redrive", "cases", "--dry-run")
    assert len(json.loads(_run("dlq", "list", "cases", "--json"))) == 1  # a dry run moves nothing
    assert "moved 0 event(s)" in _run("dlq", "redrive", "cases", "--reason", "no such reason")

    assert "moved 1 event(s)" in _run("dlq", "redrive", "cases", "--reason", "InvalidEvent")
    assert cli_mesh.wait_idle(timeout=60)
    again = json.loads(_run("dlq", "list", "cases", "--json"))  # still broken: the consumer parks it again
    assert [item["event_key"] for item in again] == ["cli-poison-1"]
    assert again[0]["message_id"] != listed[0]["message_id"]


def test_without_a_running_mesh_the_cli_says_how_to_start_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALKWORTHY_MESH_FILE", str(tmp_path / "absent.json"))
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert "make run" in result.output
