"""`talkworthy replay`, `rules`, `profile` and `cost` against a running local mesh."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

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


RULES = Path(__file__).resolve().parents[2] / "shared" / "talkworthy" / "routing" / "default_rules.yaml"


def test_rules_check_names_each_problem_with_its_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(RULES.read_text())
    assert "valid, 11 rules: intent-triage, key-account-complaint" in _run("rules", "check", str(good))
    bad = tmp_path / "bad.yaml"
    text = RULES.read_text().replace("    sla: PT1H\n", "    sla: one hour\n", 1)
    text = text.replace("action: file_idea", "action: file_it")
    bad.write_text(text)
    lines = text.splitlines()
    output = _run("rules", "check", str(bad), code=1)
    assert "2 problem(s)" in output
    sla_line = lines.index("    sla: one hour") + 1
    assert f"bad.yaml:{sla_line}: rule 'key-account-complaint' (rules[1]): sla:" in output
    assert "sla: one hour" in output  # the line itself, for context
    assert f"bad.yaml:{lines.index('    action: file_it') + 1}: rule 'product-idea'" in output
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nrules:\n  - name: [unclosed\n")
    assert "broken.yaml:" in _run("rules", "check", str(broken), code=1)


def test_rules_backtest_diffs_a_candidate_against_what_the_live_rules_decided(
    cli_mesh: LocalMesh, tmp_path: Path
) -> None:
    _run("send", "events/webhooks/standard/mention_created_complaint.json")
    _run("send", "events/webhooks/standard/mention_created_pricing_question.json")
    assert cli_mesh.wait_idle(timeout=60)
    same = tmp_path / "same.yaml"
    same.write_text(RULES.read_text())
    unchanged = json.loads(_run("rules", "backtest", str(same), "--since", "1d", "--json"))
    assert unchanged["mentions"] >= 2
    assert unchanged["changed"] == 0  # the live rules, decided again, decide the same
    live = {action: counts["live"] for action, counts in unchanged["actions"].items()}
    assert live.get("open_case", 0) >= 1

    softer = tmp_path / "softer.yaml"  # support requests from anyone but key accounts only notify care
    softer.write_text(
        RULES.read_text().replace(
            "match: {intent: [support_request]}\n    action: open_case",
            "match: {intent: [support_request]}\n    action: notify",
        )
    )
    diff = json.loads(_run("rules", "backtest", str(softer), "--since", "1d", "--json"))
    assert diff["actions"]["open_case"]["candidate"] == diff["actions"]["open_case"]["live"] - 1
    assert diff["actions"]["notify"]["candidate"] == diff["actions"].get("notify", {}).get("live", 0) + 1
    (change,) = diff["changes"]
    assert change["live"] == {"action": "open_case", "rule": "support-request", "suppressed": []}
    assert change["candidate"]["action"] == "notify"
    assert "open_case" in _run("rules", "backtest", str(softer), "--since", "1d")  # the table a person reads


def test_profile_shows_one_person_across_identity_routing_crm_and_customers(cli_mesh: LocalMesh) -> None:
    for sample in ("mention_created_complaint", "behavior_order"):
        _run("send", f"events/webhooks/standard/{sample}.json")
    assert cli_mesh.wait_idle(timeout=60)
    found = json.loads(_run("profile", "dana@globex.example", "--json"))
    assert found["profile"]["handles"] == ["twitter/danawhit"]
    email_link = next(link for link in found["profile"]["links"] if link["kind"] == "email")
    assert email_link["evidence"] == ["supplied with handle:twitter/danawhit"]
    (mention,) = found["mentions"]
    assert mention["decided"].startswith("open_case")
    assert [case["status"] for case in found["cases"]] == ["open"]
    assert found["customer"]["orders"] >= 1
    assert found["customer"]["deviations"]  # one order, long ago: past the trip wire
    assert json.loads(_run("profile", "@danawhit", "--json"))["profile"] == found["profile"]
    assert "timeline" in _run("profile", "twitter/danawhit")  # the view a person reads
    assert "no such person" in _run("profile", "nobody@example.org", code=1)


def _bench_file(tmp_path: Path) -> Path:
    """Unit costs in make bench's layout (USD per 1 M, by service): the input the command prices with."""
    results = {
        "mention": {"cost_per_1m_usd_first": {"eventbridge": 3.0, "lambda_compute": 7.0}},
        "actions": {"cost_per_1m_actions_usd": {"eventbridge": 2.0, "dynamodb": 2.0}},
        "customers": {"cost_per_1m_behaviour_events_usd": {"dynamodb": 1.5}},
        "ideas": {"cost_per_1m_usd": {"dynamodb": 20.0}},
    }
    path = tmp_path / "bench-results.json"
    path.write_text(json.dumps(results))
    return path


def test_cost_prices_the_mix_the_mesh_carried_or_the_metrics_count(cli_mesh: LocalMesh, tmp_path: Path) -> None:
    for sample in ("mention_created_complaint", "mention_created_pricing_question", "behavior_order"):
        _run("send", f"events/webhooks/standard/{sample}.json")
    assert cli_mesh.wait_idle(timeout=60)
    bench = str(_bench_file(tmp_path))
    found = json.loads(_run("cost", "--since", "1h", "--bench", bench, "--mix", "ideas=1000000", "--json"))
    flows = found["flows"]
    assert flows["mentions"]["count"] >= 2  # each accepted mention delivery in the archive (replays add none)
    assert flows["behaviour"]["count"] >= 1
    assert flows["ideas"] == {"count": 1000000, "usd_per_1m": 20.0, "usd_window": 20.0, "usd_per_30_days": 14400.0}
    mentions = flows["mentions"]["count"]
    assert flows["mentions"]["usd_window"] == round(mentions * 10.0 / 1e6, 4)
    assert found["usd_per_30_days_by_service"]["eventbridge"] == round(
        (mentions * 3.0 + flows["clicks"]["count"] * 2.0) / 1e6 * 720, 4
    )

    cloudwatch = cli_mesh.session.client("cloudwatch")
    for source, outcome, value in (
        ("slack", "accepted:200", 3),
        ("standard", "accepted:202", 5),
        ("zendesk", "rejected:401", 9),
    ):
        cloudwatch.put_metric_data(
            Namespace="Talkworthy",
            MetricData=[
                {
                    "MetricName": "Deliveries",
                    "Dimensions": [{"Name": "source", "Value": source}, {"Name": "outcome", "Value": outcome}],
                    "Value": value,
                    "Unit": "Count",
                }
            ],
        )
    time.sleep(1.1)  # moto truncates EndTime to the second: a datapoint of this second is not counted yet
    metered = json.loads(_run("cost", "--counts", "metrics", "--since", "1h", "--bench", bench, "--json"))["flows"]
    assert (metered["clicks"]["count"], metered["mentions"]["count"], metered["ideas"]["count"]) == (3, 5, 0)
    assert "total" in _run("cost", "--bench", bench)  # the table a person reads
    assert "run `make bench`" in _run("cost", "--bench", str(tmp_path / "none.json"), code=2)


def test_status_lists_the_alarms_in_alarm(cli_mesh: LocalMesh) -> None:
    assert cli_mesh.wait_idle(timeout=60)  # the scheduled poller's first run prints while it runs
    cloudwatch = cli_mesh.session.client("cloudwatch")
    alarms = [alarm["AlarmName"] for alarm in cloudwatch.describe_alarms()["MetricAlarms"]]
    assert alarms  # the template's alarms, provisioned
    assert json.loads(_run("status", "--json"))["alarms_in_alarm"] == []
    cloudwatch.set_alarm_state(AlarmName=alarms[0], StateValue="ALARM", StateReason="a test breach")
    assert json.loads(_run("status", "--json"))["alarms_in_alarm"] == [alarms[0]]
    assert alarms[0] in _run("status").replace("\n", "")
    cloudwatch.set_alarm_state(AlarmName=alarms[0], StateValue="OK", StateReason="recovered")
