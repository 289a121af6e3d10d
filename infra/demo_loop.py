"""`make demo`, closing the loop: a tweet's case solved in Zendesk → the customer told on X → the
survey e-mail → a rating clicked in the outbox → the answer on her profile; then the same closure
again, closed in Zendesk and reported by the built-in CRM: nothing is sent twice.

Told in the words a care lead would use; every expected effect that is missing is a failure.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import time
from typing import Any

import requests

from infra.local.mesh import LocalMesh
from infra.samples import WebhookSample, signed_request
from talkworthy.catalog import EventMeta, RecordRef, TicketClosed, utc_now

__all__ = ["close_the_loop", "zendesk_update"]


def _events(mesh: LocalMesh, detail_type: str) -> list[dict[str, Any]]:
    return [e["detail"] for e in mesh.events if e["detail-type"] == detail_type]


def _surveys(mesh: LocalMesh) -> list[dict[str, Any]]:
    return [e for e in mesh.inbox() if e["subject"] == "How did we do?"]


def _send(mesh: LocalMesh, sample: WebhookSample) -> int:
    url = f"{mesh.ingress_url}/webhooks/{sample.source}"
    path, headers, body = signed_request(sample, mesh.secrets["webhooks"], url, time.time())
    return requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10).status_code


def zendesk_update(sample: WebhookSample, case_id: str, event_id: str, previous: str, current: str) -> WebhookSample:
    """Zendesk's status change of the ticket that mirrors the case (its external_id names it)."""
    body = json.loads(sample.body)
    body["id"] = event_id
    body["detail"]["external_id"] = f"dynamodb:{case_id}"
    body["event"] = {"previous": previous, "current": current}
    return dataclasses.replace(sample, body=json.dumps(body).encode())


def _wait_for_survey(mesh: LocalMesh, timeout: float = 30.0) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mesh.wait_idle(timeout=30)
        if found := _surveys(mesh):
            return found[0]
        time.sleep(0.5)
    return None


def _resolve_in_builtin_crm(mesh: LocalMesh, case_id: str) -> None:
    """What the built-in CRM's Resolve reports: ``Ticket.Closed`` for the case itself."""
    resolve = TicketClosed(
        meta=EventMeta(
            event_key=f"dynamodb:resolve:{case_id}",
            correlation_id=f"demo-resolve-{case_id}",
            producer="talkworthy.cases",
            occurred_at=utc_now(),
        ),
        ticket=RecordRef(system="dynamodb", record_id=case_id),
        status="solved",
        closed_at=utc_now(),
    )
    entry = {
        "EventBusName": mesh.stack.attr("Bus"),
        "Source": resolve.meta.producer,
        "DetailType": TicketClosed.DETAIL_TYPE,
        "Detail": resolve.model_dump_json(),
    }
    mesh.session.client("events").put_events(Entries=[entry])


def close_the_loop(
    mesh: LocalMesh, scenario: dict[str, Any], samples: dict[str, WebhookSample], failures: list[str]
) -> None:
    loop = scenario.get("close_the_loop")
    if not loop:
        return
    say = functools.partial(print, file=mesh.console)
    say("\n• closing the loop")
    cases = [c for c in _events(mesh, "Case.Opened") if (c.get("origin") or {}).get("post_id") == loop["post_id"]]
    if not cases:
        failures.append(f"close the loop: no case was opened for post {loop['post_id']}")
        return
    case, solved_sample = cases[0], samples[loop["solved_in"]]
    case_id, handle = case["case"]["record_id"], case["origin"]["handle"]
    solved = zendesk_update(solved_sample, case_id, "01JD3XK2M4Q6R8T0V2W4DEMO01", "OPEN", "SOLVED")
    say(f"    Support solved Zendesk ticket {json.loads(solved.body)['detail']['id']}, which mirrors case {case_id}.")
    if _send(mesh, solved) != 202:
        failures.append("close the loop: Zendesk's solved ticket was not accepted")
    mesh.wait_idle(timeout=60)
    replies = mesh.replies.replies()
    if len(replies) != 1 or replies[0]["in_reply_to"] != loop["post_id"]:
        failures.append(f"close the loop: expected one reply to post {loop['post_id']}, saw {replies}")
        return
    say(f"    Talkworthy answered @{handle} under the original post on {loop['reply_on']}: “{replies[0]['text']}”")

    survey = _wait_for_survey(mesh)
    if survey is None:
        failures.append("close the loop: no satisfaction survey e-mail was sent")
        return
    say(f"    A day later (at once in this demo) it e-mailed {survey['to']}: “How did we do?”, five one-click ratings.")
    links = dict(re.findall(r'data-rating="(\d)" href="([^"]+)"', survey["html"]))
    link = links.get(str(loop["rating"]), "").replace("&amp;", "&")
    page = requests.get(link, timeout=10) if link else None
    if page is None or page.status_code != 200 or f'value="{loop["rating"]}" checked' not in page.text:
        failures.append("close the loop: the rating link did not open a page with the rating chosen")
        return
    answer = requests.post(link, data={"rating": str(loop["rating"]), "comment": loop["comment"]}, timeout=10)
    mesh.wait_idle(timeout=60)
    feedback = _events(mesh, "Feedback.Received")
    if answer.status_code != 202 or len(feedback) != 1:
        failures.append(f"close the loop: the rating was not recorded once ({answer.status_code}, {len(feedback)})")
        return
    say(
        f"    She clicked {loop['rating']} of 5 in the outbox and added “{loop['comment']}”: the answer is on her"
        f" profile and counts toward satisfaction on {feedback[0]['channel']} for {feedback[0]['segment']} customers."
    )
    if requests.post(link, data={"rating": "1"}, timeout=10).status_code != 409:
        failures.append("close the loop: a second click on the survey was accepted")

    _send(mesh, solved)  # Zendesk delivers the same event again
    _send(mesh, zendesk_update(solved_sample, case_id, "01JD3XK2M4Q6R8T0V2W4DEMO02", "SOLVED", "CLOSED"))
    _resolve_in_builtin_crm(mesh, case_id)
    mesh.wait_idle(timeout=60)
    twice = len(mesh.replies.replies()) != 1 or len(_events(mesh, "Loop.Closed")) != 1 or len(_surveys(mesh)) != 1
    if twice:
        failures.append("close the loop: a repeated closure sent something twice")
    else:
        say(
            "    Zendesk sent the same update again, then closed the ticket, and the built-in CRM reported the"
            " case resolved too: Dana heard from us once, and got one survey."
        )
