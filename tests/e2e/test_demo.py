"""`make demo`'s scenarios through the local mesh: webhook in, handlers, effects out."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from infra.demo import demo_parameters, run_demo
from infra.local.mesh import LocalMesh, MeshConfig
from talkworthy.catalog import RecordRef
from talkworthy.scheduling import timer_name

DANA_POST = "1858412270931259392"  # her complaint on X, the demo's first delivery


@pytest.fixture(scope="module")
def mesh() -> Iterator[LocalMesh]:
    """The demo's own mesh: its surge runs on buckets of seconds (the demo world's parameters)."""
    config = MeshConfig(ingress_port=0, trace_stream=None, extra_parameters=demo_parameters())
    with LocalMesh(config) as running:
        yield running


def _message_about(mesh: LocalMesh, name: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in mesh.sink.messages() if name in m.get("text", ""))


def test_demo_scenarios_produce_every_expected_effect(mesh: LocalMesh) -> None:
    assert run_demo(mesh=mesh) == []
    assert all(depth == 0 for depth in mesh.dlq_depths().values())

    # a complaint from a high-value customer: a case, a Slack message with actions, an SLA timer;
    # the demo then clicks Claim as Alice and later works the case to its goal: the message says both,
    # and no button is left on it
    message = _message_about(mesh, "Dana Whitfield")
    dana = json.dumps(message["blocks"])
    assert message["updated"] is True
    assert "Claimed by Alice Moreau" in dana
    assert "Goal met" in dana
    assert "Case closed" in dana
    assert not [b for b in message["blocks"] if b["type"] == "actions"]
    assert "SLA" in dana
    schedules = mesh.session.client("scheduler").list_schedules(GroupName=mesh.stack.attr("SlaScheduleGroup"))
    case = next(
        e["detail"]["case"]
        for e in mesh.events
        if e["detail-type"] == "Case.Opened" and (e["detail"].get("origin") or {}).get("post_id") == DANA_POST
    )
    names = {schedule["Name"] for schedule in schedules["Schedules"]}
    assert timer_name(RecordRef(system=case["system"], record_id=case["record_id"])) not in names, (
        "the claim stopped its SLA timer"
    )

    # a prospect asking for a quote: a lead, announced to sales
    jo = _message_about(mesh, "Jo Lindqvist")
    assert jo["channel"] == "#sales-leads"

    # sales intent from someone with an open case: held back, routed to care, and why
    sam = _message_about(mesh, "Sam Okafor")
    assert sam["channel"] == "#customer-care"
    assert "open_case:1" in json.dumps(sam["blocks"])

    # a sarcastic complaint is a complaint, and the message says which cues decided it
    ana = json.dumps(_message_about(mesh, "Ana Lopes")["blocks"])
    assert "complaint" in ana
    assert "sarcasm" in ana

    # German with no language tag: triaged with the top two intents, no case or lead
    jonas = _message_about(mesh, "Jonas Keller")
    assert jonas["channel"] == "#intent-triage"
    assert "unsupported language (de)" in json.dumps(jonas["blocks"])

    # praise is logged only: nobody is notified about Mo
    assert not any("Mo Diaz" in m.get("text", "") for m in mesh.sink.messages())
    assert mesh.published["Idea.Submitted"] >= 1

    # the community manager's Monday digest: the score in words, and the chart shown in the outbox
    digest = next(m for m in mesh.sink.messages() if m["channel"] == "C0COMMUNITY")
    assert "community health" in digest["text"]
    [chart] = digest["files"]
    page = requests.get(f"{mesh.sink.url}/outbox", timeout=10).text
    assert f'<img src="/files/{chart["id"]}/{chart["name"]}"' in page
    image = requests.get(f"{mesh.sink.url}/files/{chart['id']}/{chart['name']}", timeout=10)
    assert image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_demo_ideas_merged_accepted_told_once_then_unmerged(mesh: LocalMesh) -> None:
    """Two Canny posts asking for the same thing (the demo above ran on this module's mesh): merged,
    accepted → planned in Canny for both posts (Canny's own e-mails off), each of the three people
    e-mailed once, then unmerged."""
    written = [(c["postID"], c["status"], c["shouldNotifyVoters"]) for c in mesh.canny.board()["status_changes"]]
    assert ("6749c2d1e0f1a2b3c4d5e601", "planned", False) in written
    assert ("6749c2d1e0f1a2b3c4d5e602", "planned", False) in written
    subject = "Your idea is now planned: Schedule reports to Slack every Monday"
    planned = [e["to"] for e in mesh.inbox() if e["subject"] == subject]
    assert sorted(planned) == ["dana@globex.example", "kim@cornershop.example", "sam@hooli.example"]
    merged = next(m for m in mesh.sink.messages() if "Merged into Schedule reports" in json.dumps(m["blocks"]))
    assert "Unmerged by Priya Shah" in json.dumps(merged["blocks"])
