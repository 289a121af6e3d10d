"""`make demo`'s scenarios through the local mesh: webhook in, handlers, effects out."""

from __future__ import annotations

import json

from infra.demo import run_demo
from infra.local.mesh import LocalMesh


def _message_about(mesh: LocalMesh, name: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in mesh.sink.messages() if name in m.get("text", ""))


def test_demo_scenarios_produce_every_expected_effect(mesh: LocalMesh) -> None:
    assert run_demo(mesh=mesh) == []
    assert all(depth == 0 for depth in mesh.dlq_depths().values())

    # a complaint from a high-value customer: a case, a Slack message with actions, an SLA timer
    dana = json.dumps(_message_about(mesh, "Dana Whitfield")["blocks"])
    assert '"action_id": "claim"' in dana
    assert '"action_id": "escalate"' in dana
    assert "SLA" in dana
    schedules = mesh.session.client("scheduler").list_schedules(GroupName=mesh.stack.attr("SlaScheduleGroup"))
    assert schedules["Schedules"], "the VIP case has a pending SLA timer"

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
