"""Routine notifications folded into one incident digest per channel, on the provisioned mesh table (moto)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from talkworthy.catalog import (
    ActionCompleted,
    ActionRequested,
    Actor,
    DigestHint,
    EventMeta,
    SurgeDetected,
    SurgeResolved,
    SurgeUpdated,
    Target,
)
from talkworthy.notify import RecordingChat, RecordingEmail
from talkworthy.notify.incidents import DynamoDbIncidentStore
from talkworthy.notify.messages import DynamoDbSentMessages
from talkworthy.usecases.digest import fold_into_digest, incident_target, show_surge
from talkworthy.usecases.show_outcome import show_outcome

DETAILS = Path(__file__).parents[2] / "events" / "details"
T0 = datetime(2027, 1, 15, 8, 14, tzinfo=UTC).timestamp()


def _sample(name: str) -> dict[str, Any]:
    return json.loads((DETAILS / f"{name}.json").read_text())["detail"]


def _request(n: int, *, routine: bool = True, influence: int = 10) -> ActionRequested:
    hint = DigestHint(topic="acme/complaint", who=f"@user{n}", influence=influence, sentiment="negative")
    return ActionRequested(
        meta=EventMeta(
            event_key=f"standard:msg_{n}>notify-slack",
            correlation_id=f"req-{n}",
            producer="talkworthy.route",
            occurred_at=datetime.fromtimestamp(T0 + n, UTC),
        ),
        channel="slack",
        audience="#customer-care",
        headline=f"High-priority complaint from @user{n}",
        body="The app is down again",
        target=Target(kind="case", id=f"case-{n}", system="dynamodb"),
        actions=["claim", "escalate", "dismiss"],
        link=f"https://x.com/user{n}/status/{n}",
        digest=hint if routine else None,
    )


def test_a_surge_folds_routine_notifications_into_one_message_updated_in_place(mesh_table: Any) -> None:
    incidents, messages, chat = DynamoDbIncidentStore(mesh_table), DynamoDbSentMessages(mesh_table), RecordingChat()
    ports = {"incidents": incidents, "chat": chat, "messages": messages}
    detected = SurgeDetected.model_validate(_sample("Surge.Detected"))
    assert show_surge(detected, **ports) == 0  # no digest yet: nothing posted until something is folded
    assert not fold_into_digest(_request(0, routine=False), **ports, now=T0)  # a VIP or a tight SLA posts alone

    folded = [fold_into_digest(_request(n, influence=n), **ports, now=T0 + n) for n in range(1, 31)]
    assert all(folded)
    assert len(chat.posts) == 1  # the first fold posted the digest; the next 29 within the minute did not
    assert fold_into_digest(_request(5), **ports, now=T0 + 40)  # a redelivery: folded already, counted once
    assert fold_into_digest(_request(31, influence=95), **ports, now=T0 + 62)  # a minute on: updated in place
    assert (len(chat.posts), len(chat.updates)) == (1, 1)
    text = json.dumps(chat.updates[-1].blocks, ensure_ascii=False)
    assert "31 notifications · 31 new cases opened" in text
    assert text.index("@user31") < text.index("@user30")  # the most influential post first
    assert all(f"https://x.com/user{n}/status/{n}" in text for n in range(1, 32))  # every folded mention linked
    assert "Acknowledge" in text

    ref = chat.posts[0].ref
    ack = ActionCompleted(
        meta=EventMeta(
            event_key="ack-1", correlation_id="c", producer="talkworthy.community", occurred_at=detected.opened_at
        ),
        action="acknowledge",
        outcome="done",
        note="Acknowledged by Sam Ortiz",
        actor=Actor(id="U05SAMORTIZ", name="Sam Ortiz", via="slack"),
        target=incident_target(detected.surge_id),
        at=detected.opened_at + timedelta(minutes=3),
        message_ref=str(ref),
    )
    assert show_outcome(ack, chat=chat, messages=messages, email=RecordingEmail()) == "updated"

    updated = SurgeUpdated.model_validate({**_sample("Surge.Updated"), "total": 130, "trend": [40, 45, 45]})
    assert show_surge(updated, **ports) == 1
    text = json.dumps(chat.updates[-1].blocks, ensure_ascii=False)
    assert "130 complaints since 08:12 UTC" in text
    assert "Acknowledged by Sam Ortiz" in text  # the note survives the digest's refresh
    assert '"Acknowledge"' not in text  # and the button it answered is gone

    resolved = SurgeResolved.model_validate(_sample("Surge.Resolved"))
    show_surge(resolved, **ports)
    final = json.dumps(chat.updates[-1].blocks, ensure_ascii=False)
    assert "Resolved" in final
    assert '"actions"' not in final  # nothing left to click
    assert not fold_into_digest(_request(40), **ports, now=T0 + 600)  # back to one message per mention
    show_surge(updated, **ports)  # a late Updated does not reopen it
    assert "Resolved" in json.dumps(chat.updates[-1].blocks, ensure_ascii=False)
    assert len(chat.posts) == 1


def test_the_incident_owner_is_kept_for_the_surge_they_took_only(mesh_table: Any) -> None:
    incidents = DynamoDbIncidentStore(mesh_table)
    detected = SurgeDetected.model_validate(_sample("Surge.Detected"))
    incidents.record(detected)
    assert incidents.owner(detected.topic) is None
    incidents.set_owner(detected.surge_id, "Sam Ortiz")
    incidents.set_owner(detected.surge_id, "Sam Ortiz")  # the click redelivered
    assert incidents.owner(detected.topic) == "Sam Ortiz"
    later = detected.model_copy(update={"surge_id": f"{detected.topic}@999999999"})
    incidents.record(later)  # the next surge of the topic: nobody owns it yet
    assert incidents.owner(detected.topic) is None
