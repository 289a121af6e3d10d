"""The stores behind actions on a real (moto) ``MeshTable`` provisioned from template.yaml:
people's intent corrections, the subjects of actionable messages, and the Slack messages sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Key

from talkworthy.catalog.actions import Target
from talkworthy.enrichment.corrections import Correction, DynamoDbCorrections, latest_per_target
from talkworthy.notify.messages import DynamoDbSentMessages, Note, SentMessage
from talkworthy.subjects import DynamoDbSubjects, Subject

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CASE = Target(kind="case", system="dynamodb", id="TW-1")
MENTION = Target(kind="mention", id="twitter:1")


def _correction(key: str, target: str, corrected: str, minutes: int) -> Correction:
    return Correction.model_validate(
        {
            "key": key,
            "text": "love the new export, when is the API coming?",
            "predicted": "complaint",
            "corrected": corrected,
            "model": "intent-logreg",
            "model_version": "2026-02-01",
            "corrected_by": "Ada Agent",
            "corrected_at": T0 + timedelta(minutes=minutes),
            "target": target,
        }
    )


def test_a_correction_is_stored_once_per_click_and_read_back_oldest_first(mesh_table: Any) -> None:
    store = DynamoDbCorrections(mesh_table)
    later = _correction("evt-2", "mention::twitter:1", "idea", minutes=5)
    first = _correction("evt-1", "mention::twitter:1", "question", minutes=0)
    other = _correction("evt-3", "mention::twitter:2", "praise", minutes=2)

    assert [store.record(c) for c in (later, first, other)] == [True, True, True]
    assert store.record(first) is False  # the redelivered click
    assert store.record(first.model_copy(update={"corrected": "other"})) is False  # the key decides

    assert store.all() == [first, other, later]
    assert latest_per_target(store.all()) == [other, later]
    rows = mesh_table.query(KeyConditionExpression=Key("pk").eq("CORRECTION#evt-1"))["Items"]
    assert [(r["sk"], r["kind"]) for r in rows] == [("CORRECTION", "correction")]


def test_no_corrections_is_an_empty_list(mesh_table: Any) -> None:
    assert DynamoDbCorrections(mesh_table).all() == []


def _subject(target: Target = CASE, **changes: Any) -> Subject:
    fields: dict[str, Any] = {
        "target": target,
        "text": "my parcel is two weeks late",
        "platform": "twitter",
        "author_handle": "@ada",
        "author_email": "ada@example.com",
        "intent": "complaint",
        "intent_model": "intent-logreg",
        "intent_version": "2026-02-01",
        "sentiment": -0.8,
        "profile_id": "p-1",
        "mention_key": "twitter:1",
    }
    return Subject.model_validate({**fields, **changes})


def test_a_subject_is_one_item_per_target_holding_what_people_did(mesh_table: Any) -> None:
    store = DynamoDbSubjects(mesh_table)
    subject = _subject()

    store.put(subject)
    store.put(subject)  # a redelivered routing event
    store.put(_subject(MENTION, intent="question"))
    assert store.get(CASE) == subject

    store.put(subject.model_copy(update={"owner": "agent-7", "status": "dismissed"}))

    stored = store.get(CASE)
    assert stored is not None
    assert (stored.owner, stored.status, stored.text) == ("agent-7", "dismissed", subject.text)
    assert store.get(MENTION) == _subject(MENTION, intent="question")
    assert store.get(Target(kind="case", system="salesforce", id="TW-1")) is None  # the system is part of the key
    subjects = [item for item in mesh_table.scan()["Items"] if item.get("kind") == "subject"]
    assert len(subjects) == 2


def _message(ref: str, target: Target = CASE, notes: tuple[Note, ...] = ()) -> SentMessage:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Complaint from @ada"}},
        {"type": "actions", "elements": [{"type": "button", "action_id": "claim", "value": "v1"}]},
    ]
    return SentMessage(
        ref=ref,
        text="Complaint from @ada",
        blocks=blocks,
        target=target,
        actions=["claim", "dismiss"],
        notes=list(notes),
    )


def test_a_sent_message_is_found_by_its_ref_and_by_its_target(mesh_table: Any) -> None:
    store = DynamoDbSentMessages(mesh_table)
    message = _message("C0CARE:1700000000.000100")
    sent: list[str] = []
    mesh_table.meta.client.meta.events.register("before-call.dynamodb", lambda model, **_: sent.append(model.name))

    store.put(message)

    assert sent == ["BatchWriteItem"]  # the message and its target's index item: one request
    assert store.get("C0CARE:1700000000.000100") == message
    assert store.of_target(CASE) == message
    assert store.get("C0CARE:1.2") is None
    assert store.of_target(MENTION) is None

    claimed = message.model_copy(
        update={"actions": ["dismiss"], "notes": [Note(event_key="evt-7", text="Claimed by Ada", user_id="U1")]}
    )
    store.put(claimed)
    store.put(claimed)  # a redelivered Action.Completed

    assert store.get(message.ref) == claimed
    assert store.of_target(CASE) == claimed
    items = [item for item in mesh_table.scan()["Items"] if item.get("kind", "").startswith("message")]
    assert sorted(item["kind"] for item in items) == ["message", "message_target"]


def test_a_target_posted_again_points_at_its_latest_message(mesh_table: Any) -> None:
    store = DynamoDbSentMessages(mesh_table)
    store.put(_message("C0CARE:1.1"))
    store.put(_message("C0ESC:2.2"))

    assert store.of_target(CASE) == _message("C0ESC:2.2")
    assert store.get("C0CARE:1.1") == _message("C0CARE:1.1")


def test_a_thread_reply_or_a_copy_elsewhere_is_found_by_its_ref_only(mesh_table: Any) -> None:
    store = DynamoDbSentMessages(mesh_table)
    store.put(_message("C0CARE:1.1"))
    reply = _message("C0CARE:1.5").model_copy(update={"placement": "thread"})
    copy = _message("C0ESC:2.2").model_copy(update={"placement": "copy"})
    store.put(reply)
    store.put(copy)

    assert store.of_target(CASE) == _message("C0CARE:1.1")  # the case's own message, for its thread and updates
    assert store.get("C0CARE:1.5") == reply
    assert store.get("C0ESC:2.2") == copy


def test_a_target_folded_into_a_digest_is_remembered_and_a_later_post_is_still_found(mesh_table: Any) -> None:
    store = DynamoDbSentMessages(mesh_table)
    assert store.folded_into(CASE) is None

    store.fold(CASE, "surge-1")
    store.fold(CASE, "surge-1")  # a redelivered fold

    assert store.folded_into(CASE) == "surge-1"
    assert store.of_target(CASE) is None  # no message of its own to reply under
    store.put(_message("C0CARE:1.1"))  # posted later (the surge resolved, a new notification)
    assert store.of_target(CASE) == _message("C0CARE:1.1")
