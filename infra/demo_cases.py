"""`make demo`'s case worked in its Slack thread: the owner brings in a colleague, adds a next step, resolves it.

Every click and form goes through the outbox's own routes (``/outbox/click``, ``/outbox/submit``),
so it is signed and posted to the ingress exactly as Slack would; what comes back is checked in the
Slack sink, the built-in CRM and the bus.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

import requests

from infra.local.mesh import LocalMesh
from infra.local.outbox import button
from infra.narrate import tell
from talkworthy.people import load_default_directory

__all__ = ["work_the_case"]


def _thread(mesh: LocalMesh, parent: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in mesh.sink.messages() if m.get("thread_ts") == parent["ts"] and m["channel"] == parent["channel"]]


class _Worker:
    def __init__(self, mesh: LocalMesh, owner: str, failures: list[str]) -> None:
        self.mesh, self.owner, self.failures = mesh, owner, failures
        self.say = functools.partial(print, file=mesh.console)

    def _post(self, route: str, data: dict[str, Any], what: str) -> None:
        """Post to the outbox as the page does, then tell what the click made happen (the events since)."""
        seen = len(self.mesh.events)
        answer = requests.post(f"{self.mesh.sink.url}/outbox/{route}", json={**data, "user": self.owner}, timeout=15)
        result = answer.json()
        if result.get("status") != 200:
            self.failures.append(f"{what}: the ingress answered {result.get('status')} {result.get('body')}")
        self.mesh.wait_idle(timeout=60)
        caused: list[Mapping[str, Any]] = [
            {"type": e["detail-type"], **e["detail"]}
            for e in self.mesh.events[seen:]
            if e["detail-type"] != "Action.Taken"
        ]
        self.say(f"\n• {what}")
        for line in tell(caused) or ["A form opened for them to fill in."]:
            self.say(f"    {line}")

    def click(self, message: dict[str, Any], action: str, what: str) -> bool:
        data = button(message, action)
        if data is None:
            self.failures.append(f"no {action} button on the case file's message")
            return False
        self._post("click", {"channel": message["channel"], "ts": message["ts"], **data}, what)
        return True

    def submit(self, values: list[dict[str, Any]], what: str) -> None:
        views = [v for v in self.mesh.sink.views() if not v["closed"]]
        if not views:
            self.failures.append(f"{what}: no form opened")
            return
        self._post("submit", {"values": values}, what)
        if any(v["id"] == views[-1]["id"] and not v["closed"] for v in self.mesh.sink.views()):
            self.failures.append(f"{what}: the form did not close (the ingress must answer an empty 200)")


def work_the_case(mesh: LocalMesh, plan: dict[str, Any], failures: list[str]) -> None:
    """``plan``: the scenario's ``case_file`` section (channel, owner, colleague, next step)."""
    if not plan:
        return
    parent = next((m for m in mesh.sink.messages() if m["channel"] == plan["channel"] and not m.get("thread_ts")), None)
    replies = _thread(mesh, parent) if parent else []
    file = next((m for m in replies if button(m, "bring_in")), None)
    if parent is None or file is None:
        failures.append(f"no case file in the thread of the first case in {plan['channel']}")
        return
    mesh.console.write(f"\n• the case's thread in {plan['channel']}: {file['text']}\n")
    worker = _Worker(mesh, plan["owner"], failures)
    colleague = plan["colleague"]
    names = {p.slack: p.name for p in load_default_directory().people}
    owner, other = names.get(plan["owner"], plan["owner"]), names.get(colleague, colleague)
    if worker.click(file, "bring_in", f"{owner} clicked Bring in in the case's thread"):
        worker.submit(
            [{"block_id": "tw_who", "action_id": "who", "type": "radio_buttons", "value": f"person:{colleague}"}],
            f"{owner} chose {other} in the form",
        )
    direct = [m for m in mesh.sink.messages() if m["channel"] == "D" + colleague[1:]]
    if not direct:
        failures.append(f"{colleague} was not sent the case's context by direct message")
    step = plan["next_step"]
    due = int(time.time()) + int(step["due_in_hours"]) * 3600
    if worker.click(file, "add_step", f"{owner} clicked Add next step"):
        worker.submit(
            [
                {"block_id": "tw_step_text", "action_id": "text", "type": "plain_text_input", "value": step["text"]},
                {"block_id": "tw_step_assignee", "action_id": "assignee", "type": "static_select", "value": colleague},
                {"block_id": "tw_step_due", "action_id": "due", "type": "datetimepicker", "value": str(due)},
            ],
            f"{owner} gave {other} the next step {step['text']!r}, due in {step['due_in_hours']} hours",
        )
    if not any(button(m, "step_done") and step["text"] in m["text"] for m in _thread(mesh, parent)):
        failures.append(f"the next step {step['text']!r} is not in the case's thread with a Done button")
    closed_before = mesh.published["Ticket.Closed"]
    fresh = next((m for m in mesh.sink.messages() if m["ts"] == file["ts"]), file)
    worker.click(fresh, "resolve", f"{owner} clicked Resolve")
    if mesh.published["Ticket.Closed"] != closed_before + 1:
        failures.append("Resolve did not publish exactly one Ticket.Closed")
    from talkworthy.crm.dynamodb import DynamoDbCrm

    case_id = str((button(file, "bring_in") or {}).get("block_id", "")).split(":", 3)[-1]
    record = DynamoDbCrm(mesh.session.resource("dynamodb").Table(mesh.stack.attr("CrmTable"))).record("case", case_id)
    if record is None or record.get("status") != "solved":
        failures.append(f"case {case_id} is not solved in the built-in CRM after Resolve")
    else:
        mesh.console.write(f"    The built-in CRM shows case {case_id} solved ({record.get('resolution')}).\n")
    said = " ".join(m["text"] for m in _thread(mesh, parent))
    for expected in ("brought in", "Next step:", "Ticket solved in the built-in CRM"):
        if expected not in said:
            failures.append(f"the case's thread does not say {expected!r}")
