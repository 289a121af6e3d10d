"""Close the loop through the local mesh: a tweet, its case solved in Zendesk, the reply on X and the
survey e-mail, a rating clicked, the answer on the profile; the close repeated and reported by a
second system sends nothing twice."""

from __future__ import annotations

import re
import time
from typing import Any

import requests

from infra.demo import seed, send_sample
from infra.demo_loop import zendesk_update
from infra.local.mesh import LocalMesh
from infra.samples import load_webhook_samples
from talkworthy.catalog import EventMeta, RecordRef, TicketClosed, utc_now
from talkworthy.customers.feedback import DynamoDbFeedbackStore


def _sample(name: str) -> Any:
    return next(s for s in load_webhook_samples() if f"{s.source}/{s.name}" == name)


def _zendesk(case_id: str, event_id: str, previous: str = "OPEN", current: str = "SOLVED") -> Any:
    """Zendesk's status change for a ticket mirroring the case (external_id names it)."""
    return zendesk_update(_sample("zendesk/ticket_solved"), case_id, event_id, previous, current)


def _events(mesh: LocalMesh, detail_type: str) -> list[dict[str, Any]]:
    return [e["detail"] for e in mesh.events if e["detail-type"] == detail_type]


def _surveys(mesh: LocalMesh) -> list[dict[str, Any]]:
    return [e for e in mesh.inbox() if e["subject"] == "How did we do?"]


def _wait_for_survey(mesh: LocalMesh, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mesh.wait_idle(timeout=30)
        found = _surveys(mesh)
        if found:
            return found[0]
        time.sleep(0.5)
    raise AssertionError("no survey e-mail arrived")


def test_a_solved_tweet_is_answered_on_x_surveyed_by_email_and_rated_once(mesh: LocalMesh) -> None:
    seed(mesh)
    secrets = mesh.secrets["webhooks"]
    assert send_sample(mesh.ingress_url, _sample("standard/mention_created_complaint"), secrets).status_code == 202
    mesh.wait_idle(timeout=60)
    (opened,) = _events(mesh, "Case.Opened")
    case_id = opened["case"]["record_id"]
    assert opened["origin"]["post_id"] == "1858412270931259392"

    # Zendesk says the ticket mirroring the case is solved
    solved = _zendesk(case_id, "01JD3XK2M4Q6R8T0V2W4Y6LOOP")
    assert send_sample(mesh.ingress_url, solved, secrets).status_code == 202
    mesh.wait_idle(timeout=60)
    (reply,) = mesh.replies.replies()
    assert (reply["platform"], reply["in_reply_to"]) == ("x", "1858412270931259392")
    assert reply["text"].startswith("Hi @danawhit,")
    assert "http" not in reply["text"]  # no survey link in public
    (loop,) = _events(mesh, "Loop.Closed")
    assert (loop["told"], loop["channel"], loop["case"]["record_id"]) == (True, "x", case_id)

    # a day later (locally: at once) the survey e-mail, one link per rating
    survey = _wait_for_survey(mesh)
    assert survey["to"] == "dana@globex.example"
    links = re.findall(r'data-rating="(\d)" href="([^"]+)"', survey["html"])
    assert [rating for rating, _ in links] == ["5", "4", "3", "2", "1"]
    good = dict(links)["4"].replace("&amp;", "&")
    page = requests.get(good, timeout=10)
    assert page.status_code == 200
    assert 'value="4" checked' in page.text
    assert _events(mesh, "Feedback.Received") == []  # reading the page recorded nothing
    answer = requests.post(good, data={"rating": "4", "comment": "Sorted quickly, thanks"}, timeout=10)
    assert answer.status_code == 202
    mesh.wait_idle(timeout=60)
    (feedback,) = _events(mesh, "Feedback.Received")
    assert (feedback["rating"], feedback["channel"], feedback["profile_id"]) == (4, "twitter", opened["profile_id"])
    store = DynamoDbFeedbackStore(mesh.session.resource("dynamodb").Table(mesh.stack.attr("MeshTable")))
    assert [f.comment for f in store.history(opened["profile_id"])] == ["Sorted quickly, thanks"]
    assert store.tally("twitter", feedback["segment"]).answers == 1
    replayed = requests.post(dict(links)["1"], data={"rating": "1"}, timeout=10)
    assert replayed.status_code == 409  # the survey took its answer

    # the close redelivered, Zendesk closing the solved ticket, and the built-in CRM reporting it too
    assert send_sample(mesh.ingress_url, solved, secrets).status_code == 200
    closed = _zendesk(case_id, "01JD3XK2M4Q6R8T0V2W4Y6SHUT", previous="SOLVED", current="CLOSED")
    assert send_sample(mesh.ingress_url, closed, secrets).status_code == 202
    resolve = TicketClosed(
        meta=EventMeta(
            event_key=f"dynamodb:resolve:{case_id}",
            correlation_id="req-resolve",
            producer="talkworthy.cases",
            occurred_at=utc_now(),
        ),
        ticket=RecordRef(system="dynamodb", record_id=case_id),
        status="solved",
        closed_at=utc_now(),
    )
    mesh.session.client("events").put_events(
        Entries=[
            {
                "EventBusName": mesh.stack.attr("Bus"),
                "Source": resolve.meta.producer,
                "DetailType": TicketClosed.DETAIL_TYPE,
                "Detail": resolve.model_dump_json(),
            }
        ]
    )
    mesh.wait_idle(timeout=60)
    assert len(_events(mesh, "Ticket.Closed")) == 3
    assert len(mesh.replies.replies()) == 1
    assert len(_events(mesh, "Loop.Closed")) == 1
    assert mesh.bus_copies[f"Loop.Closed|loop:dynamodb:{case_id}"] == 1
    assert len(_surveys(mesh)) == 1
    assert all(depth == 0 for depth in mesh.dlq_depths().values())
