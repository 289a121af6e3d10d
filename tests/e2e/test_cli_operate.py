"""`talkworthy replay`, `rules`, `profile` and `cost` against a running local mesh."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from typer.testing import CliRunner

from chalicelib.senders.base import WebhookDelivery
from chalicelib.wiring import raw_delivery_record
from infra.cli.app import app
from infra.local.mesh import DEV_SECRETS, LocalMesh
from infra.samples import load_webhook_samples, signed_request

runner = CliRunner()
SAMPLES = {(s.source, s.name): s for s in load_webhook_samples()}


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def _archive_only(mesh: LocalMesh, name: str, delivery_id: str, *, forge: bool = False) -> str:
    """A signed delivery the ingress archived but never published (lost between archive and bus)."""
    sample = SAMPLES[("standard", name)]
    now = time.time()
    path, headers, body = signed_request(sample, json.loads(DEV_SECRETS.read_text())["webhooks"], "", now, delivery_id)
    if forge:
        body = body.replace(b"Initech", b"Umbrella")  # changed after it was signed
    delivery = WebhookDelivery(
        source="standard",
        body=body,
        headers={k.lower(): v for k, v in headers.items()},
        correlation_id=f"lost-{delivery_id}",
        received_at=datetime.fromtimestamp(now, UTC),
        url=f"{mesh.ingress_url}{path}",
        path_params={"source": "standard"},
    )
    key = f"raw/{delivery.received_at:%Y/%m/%d/%H}/lost-{delivery_id}"
    mesh.session.client("s3").put_object(
        Bucket=mesh.stack.attr("RawDeliveriesBucket"), Key=key, Body=raw_delivery_record(delivery)
    )
    return delivery.correlation_id


def _replayed(mesh: LocalMesh, correlation_id: str) -> dict[str, str | None]:
    return {
        e["detail-type"]: e["detail"]["meta"].get("replay")
        for e in mesh.events
        if e["detail"]["meta"]["correlation_id"] == correlation_id
    }


def test_replay_from_the_raw_archive_marks_events_checks_signatures_and_notifies_no_one(cli_mesh: LocalMesh) -> None:
    _run("send", "events/webhooks/standard/mention_created_complaint.json")
    assert cli_mesh.wait_idle(timeout=60)
    slack_before = len(cli_mesh.sink.messages())
    cases_before = cli_mesh.published["Case.Opened"]
    lost = _archive_only(cli_mesh, "mention_created_pricing_question", "lost-1")
    forged = _archive_only(cli_mesh, "mention_created_pricing_question", "forged-1", forge=True)

    plan = json.loads(_run("replay", "--from", "10m", "--dry-run", "--json"))
    assert plan["by_source_and_detail_type"] == [{"source": "standard", "detail_type": "Mention.Received", "events": 2}]
    assert plan["published"] == 0
    assert [s["correlation_id"] for s in plan["skipped"]] == [forged]
    assert "signature does not verify" in plan["skipped"][0]["why"]
    assert (
        json.loads(_run("replay", "--from", "10m", "--detail-type", "Case.Opened", "--dry-run", "--json"))["events"]
        == 0
    )
    assert not _replayed(cli_mesh, lost)  # a dry run publishes nothing

    done = json.loads(_run("replay", "--from", "10m", "--json"))
    assert done["published"] == 2
    assert done["replay"].startswith("talkworthy-replay-")
    assert cli_mesh.wait_idle(timeout=60)
    marks = _replayed(cli_mesh, lost)
    assert {"Mention.Received", "Mention.Enriched"} <= set(marks)
    assert set(marks.values()) == {done["replay"]}  # the replayed event and what it led to
    assert cli_mesh.published["Case.Opened"] == cases_before  # the complaint's case was not opened twice
    assert len(cli_mesh.sink.messages()) == slack_before  # nobody was told about old news
    assert _run("replay", "--from", "10m").count("skipped") == 1  # the table a person reads


def test_replay_with_notify_tells_people_and_a_bus_replay_follows_the_archive(cli_mesh: LocalMesh) -> None:
    lost = _archive_only(cli_mesh, "mention_created_pricing_question", "lost-2")
    slack_before = len(cli_mesh.sink.messages())
    done = json.loads(_run("replay", "--from", "1m", "--source", "standard", "--notify", "--json"))
    assert done["replay"].endswith("-notify")
    assert cli_mesh.wait_idle(timeout=60)
    assert _replayed(cli_mesh, lost)
    assert len(cli_mesh.sink.messages()) > slack_before

    assert "rules" in json.loads(_run("replay", "--archive", "bus", "--from", "1h", "--dry-run", "--json"))
    bus = json.loads(_run("replay", "--archive", "bus", "--from", "1h", "--detail-type", "Mention.Received", "--json"))
    assert bus["state"] == "COMPLETED"
    assert cli_mesh.wait_idle(timeout=60)
    assert "is neither" in _run("replay", "--from", "yesterday", code=2)
