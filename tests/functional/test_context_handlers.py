"""The handler tier: each context's ``functions/*/app.py`` handler invoked with real SQS events from moto.

Events are put on the bus, routed by the template's rules into the context's queue, received as
Lambda's event source mapping would, and handed to the handler with the function's own
environment. What comes out is read back from moto: the DLQ, the queue, the observer queue.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local.provision import ProvisionedStack
from infra.local.runtime import LocalFunction
from infra.local.slack_sink import SlackSink
from talkworthy import clients, composition
from talkworthy.catalog import CATALOG, CaseOpened, Detail
from talkworthy.consumer import HandlerMap, SqsConsumer, on
from talkworthy.contexts.cases import CasesPorts, start_timer
from talkworthy.crm.dynamodb import DynamoDbCrm
from talkworthy.crm.port import CaseRequest
from talkworthy.publishing import EventBridgePublisher
from talkworthy.settings import CasesSettings, use_environment

DETAILS = Path(__file__).resolve().parents[2] / "events" / "details"


def _sample(detail_type: str, **changes: Any) -> Detail:
    detail = json.loads((DETAILS / f"{detail_type}.json").read_text())["detail"]
    detail.update(changes)
    return CATALOG[detail_type].model_validate(detail)


def _cold_start() -> None:
    for module in (clients, composition):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


@pytest.fixture
def sink() -> Iterator[SlackSink]:
    with SlackSink() as running:
        yield running


@pytest.fixture
def mesh(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch, sink: SlackSink) -> Iterator[ProvisionedStack]:
    from infra.local.provision import provision
    from tests.functional.conftest import TEST_PARAMETERS

    stack = provision(aws, stack_name="test", parameters={**TEST_PARAMETERS, "SlackApiUrl": f"{sink.url}/api/"})
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    for name, value in stack.functions["CasesFunction"].environment.items():
        if name.startswith("POWERTOOLS_"):  # read by Powertools from the process environment, as on Lambda
            monkeypatch.setenv(name, value)
    aws.client("ses").verify_email_identity(EmailAddress=stack.resolver.parameters["EmailSender"])
    sqs = aws.client("sqs")
    observer = sqs.create_queue(QueueName="observer")["QueueUrl"]
    events = aws.client("events")
    events.put_rule(
        Name="observer", EventBusName=stack.attr("Bus"), EventPattern='{"source":[{"prefix":"talkworthy."}]}'
    )
    events.put_targets(
        Rule="observer",
        EventBusName=stack.attr("Bus"),
        Targets=[{"Id": "o", "Arn": "arn:aws:sqs:us-east-1:123456789012:observer"}],
    )
    stack.queues["Observer"] = observer
    _cold_start()
    yield stack
    _cold_start()


def _publish(aws: boto3.Session, stack: ProvisionedStack, *details: Detail) -> None:
    EventBridgePublisher(aws.client("events"), stack.attr("Bus")).publish(list(details))


def _records(aws: boto3.Session, stack: ProvisionedStack, queue: str) -> list[dict[str, Any]]:
    """What Lambda's event source mapping hands the function: the queue's messages as records."""
    url = stack.queues[queue]
    messages = aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    return [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": stack.attr(queue, "Arn"),
            "awsRegion": "us-east-1",
        }
        for m in messages.get("Messages", [])
    ]


def _invoke(stack: ProvisionedStack, logical_id: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    function = LocalFunction(stack.functions[logical_id], "us-east-1", "123456789012")
    return function.invoke({"Records": records})


def _drain(aws: boto3.Session, url: str) -> list[dict[str, Any]]:
    sqs, out = aws.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        out += batch
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )
    return out


def _published(aws: boto3.Session, stack: ProvisionedStack) -> list[str]:
    return [json.loads(m["Body"])["detail-type"] for m in _drain(aws, stack.queues["Observer"])]


def _poison(aws: boto3.Session, stack: ProvisionedStack, queue: str) -> None:
    """A Case.Opened without its case: it can never be handled."""
    detail = json.loads((DETAILS / "Case.Opened.json").read_text())["detail"]
    del detail["case"]
    detail["meta"]["event_key"] = "poison-1"
    aws.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.attr("Bus"),
                "Source": "talkworthy.route",
                "DetailType": "Case.Opened",
                "Detail": json.dumps(detail),
            }
        ]
    )


def test_cases_handles_the_good_records_and_parks_the_poison_one_at_once(
    aws: boto3.Session, mesh: ProvisionedStack
) -> None:
    opened = _sample("Case.Opened", sla_due="2099-01-01T00:00:00Z")
    _publish(aws, mesh, opened, _sample("Sla.Breached"))
    _poison(aws, mesh, "CasesQueue")
    _drain(aws, mesh.queues["Observer"])
    records = _records(aws, mesh, "CasesQueue")
    assert len(records) == 3

    answer = _invoke(mesh, "CasesFunction", records)

    assert answer == {"batchItemFailures": []}  # the poison record is not retried
    parked = _drain(aws, mesh.queues["CasesDLQ"])
    assert len(parked) == 1
    attributes = {name: value["StringValue"] for name, value in parked[0]["MessageAttributes"].items()}
    assert attributes["rejected_by"] == "cases"
    assert attributes["error"] == "InvalidEvent"
    assert "case" in attributes["reason"]
    assert "Field required" in attributes["reason"]
    assert attributes["event_key"] == "poison-1"
    assert json.loads(parked[0]["Body"])["detail"]["meta"]["event_key"] == "poison-1"  # the body as received
    schedules = aws.client("scheduler").list_schedules(GroupName=mesh.attr("SlaScheduleGroup"))["Schedules"]
    assert len(schedules) == 1  # the good Case.Opened started its timer
    published = [json.loads(m["Body"])["detail"] for m in _drain(aws, mesh.queues["Observer"])]
    # the breach asked the escalation channel; the case opened its case file in its thread
    assert sorted(p.get("placement", "message") for p in published) == ["copy", "thread"]
    assert not _records(aws, mesh, "CasesQueue")  # nothing left to retry


def test_a_rejected_record_redriven_after_a_fix_is_handled(aws: boto3.Session, mesh: ProvisionedStack) -> None:
    """An older deployment did not handle Sla.Breached: it parked the breach; the fixed one handles it."""
    environment = mesh.functions["CasesFunction"].environment
    old = SqsConsumer("cases", HandlerMap[CasesPorts](on(CaseOpened, start_timer)), CasesSettings, CasesPorts)
    context = LocalFunction(mesh.functions["CasesFunction"], "us-east-1", "123456789012").context()
    _publish(aws, mesh, _sample("Sla.Breached"))
    with use_environment(environment):
        assert old({"Records": _records(aws, mesh, "CasesQueue")}, context) == {"batchItemFailures": []}
    parked = _drain(aws, mesh.queues["CasesDLQ"])
    assert [m["MessageAttributes"]["error"]["StringValue"] for m in parked] == ["UnexpectedEvent"]
    _drain(aws, mesh.queues["Observer"])

    sqs = aws.client("sqs")  # the redrive: the DLQ's messages back onto the context's queue
    for message in parked:
        sqs.send_message(QueueUrl=mesh.queues["CasesQueue"], MessageBody=message["Body"])
    assert _invoke(mesh, "CasesFunction", _records(aws, mesh, "CasesQueue")) == {"batchItemFailures": []}

    assert _published(aws, mesh) == ["Action.Requested"]
    assert not _drain(aws, mesh.queues["CasesDLQ"])


def test_mentions_enriches_and_parks_an_unexpected_detail_type(aws: boto3.Session, mesh: ProvisionedStack) -> None:
    _publish(aws, mesh, _sample("Mention.Received"))
    records = _records(aws, mesh, "MentionsQueue")
    stray = dict(records[0], messageId="stray", body=records[0]["body"].replace("Mention.Received", "Idea.Voted", 1))
    _drain(aws, mesh.queues["Observer"])

    answer = _invoke(mesh, "MentionsFunction", [*records, stray])

    assert answer == {"batchItemFailures": []}
    assert _published(aws, mesh) == ["Mention.Enriched"]
    parked = _drain(aws, mesh.queues["MentionsDLQ"])
    assert [m["MessageAttributes"]["error"]["StringValue"] for m in parked] == ["UnexpectedEvent"]
    assert parked[0]["MessageAttributes"]["message_id"]["StringValue"] == "stray"


def test_notify_posts_and_a_throttled_channel_comes_back_when_it_has_room(
    aws: boto3.Session, mesh: ProvisionedStack, sink: SlackSink
) -> None:
    free = _sample("Action.Requested", audience="#customer-care")
    busy = _sample("Action.Requested", audience="#crisis-room")
    busy = busy.model_copy(update={"meta": busy.meta.model_copy(update={"event_key": "busy-1"})})
    booked_until = time.time() + 60  # the channel's slots are taken for the next minute
    aws.resource("dynamodb").Table(mesh.attr("MeshTable")).put_item(
        Item={"pk": "PACE##crisis-room", "sk": "PACE", "next_at": Decimal(str(round(booked_until, 3)))}
    )
    _publish(aws, mesh, free, busy)
    records = _records(aws, mesh, "NotifyQueue")
    assert len(records) == 2
    delays: list[dict[str, Any]] = []
    clients.aws_client("sqs").meta.events.register(
        "provide-client-params.sqs.ChangeMessageVisibilityBatch", lambda params, **_: delays.append(params)
    )

    answer = _invoke(mesh, "NotifyFunction", records)

    busy_id = next(r["messageId"] for r in records if "busy-1" in r["body"])
    assert answer == {"batchItemFailures": [{"itemIdentifier": busy_id}]}
    assert [m["channel"] for m in sink.messages()] == ["#customer-care"]
    (call,) = delays
    (entry,) = call["Entries"]
    assert 50 <= entry["VisibilityTimeout"] <= 61  # the pacer's wait, not the queue's 180 s
    assert not _records(aws, mesh, "NotifyQueue")  # invisible until then
    assert not _drain(aws, mesh.queues["NotifyDLQ"])


def test_customers_builds_a_baseline_once_per_event_and_a_deviation_asks_the_owner(
    aws: boto3.Session, mesh: ProvisionedStack
) -> None:
    """Orders (one delivered twice) → one baseline; the scan's deviation → a CRM task and Action.Requested."""
    from talkworthy.customers.calibration import calibration
    from talkworthy.customers.store import DynamoDbBaselineStore
    from talkworthy.usecases.deviation_scan import scan

    orders = []
    for n in range(8):
        order = _sample("Behavior.Observed", at=f"2026-0{1 + n // 3}-{1 + 9 * (n % 3):02d}T09:30:00Z")
        orders.append(order.model_copy(update={"meta": order.meta.model_copy(update={"event_key": f"shop:o{n}"})}))
    _publish(aws, mesh, *orders, orders[3])  # the fourth order is delivered twice
    records = _records(aws, mesh, "CustomersQueue")
    records += _records(aws, mesh, "CustomersQueue")
    assert len(records) == 9
    assert _invoke(mesh, "CustomersFunction", records[:5]) == {"batchItemFailures": []}
    assert _invoke(mesh, "CustomersFunction", records[5:]) == {"batchItemFailures": []}

    table = aws.resource("dynamodb").Table(mesh.attr("MeshTable"))
    store = DynamoDbBaselineStore(table)
    record = store.get("c-1001")
    assert record is not None
    assert record.baseline.summary().count == 8  # the redelivered order counted once
    assert record.version == 8  # and wrote nothing the second time
    assert record.next_check is not None
    assert store.customer_for_email("dana@globex.example") == "c-1001"

    _drain(aws, mesh.queues["Observer"])
    scan(
        store,
        EventBridgePublisher(aws.client("events"), mesh.attr("Bus")),
        calibration(),
        record.next_check + 86400,
        "t",
    )
    assert _published(aws, mesh) == ["Deviation.Detected"]
    assert _invoke(mesh, "CustomersFunction", _records(aws, mesh, "CustomersQueue")) == {"batchItemFailures": []}
    assert _published(aws, mesh) == ["Action.Requested"]  # 1 299 EUR an order: a high tier
    tasks = [
        i for i in aws.resource("dynamodb").Table(mesh.attr("CrmTable")).scan()["Items"] if i.get("kind") == "task"
    ]
    assert [t["customer_id"] for t in tasks] == ["c-1001"]
    assert not _drain(aws, mesh.queues["CustomersDLQ"])


def _opened_case(aws: boto3.Session, stack: ProvisionedStack, key: str) -> tuple[str, DynamoDbCrm]:
    """A case in the built-in CRM as route opens it, and its Case.Opened handled: the SLA timer runs."""
    crm = DynamoDbCrm(aws.resource("dynamodb").Table(stack.attr("CrmTable")))
    request = CaseRequest(
        idempotency_key=key, subject="Parcel two weeks late", description="where is it", origin_channel="twitter"
    )
    case_id = crm.open_case(request).case_id
    opened = _sample("Case.Opened", case={"system": "dynamodb", "record_id": case_id}, sla_due="2099-01-01T00:00:00Z")
    opened = opened.model_copy(update={"meta": opened.meta.model_copy(update={"event_key": key})})
    _publish(aws, stack, opened)
    assert _invoke(stack, "CasesFunction", _records(aws, stack, "CasesQueue")) == {"batchItemFailures": []}
    _drain(aws, stack.queues["Observer"])
    return case_id, crm


def _timers(aws: boto3.Session, stack: ProvisionedStack) -> list[str]:
    found = aws.client("scheduler").list_schedules(GroupName=stack.attr("SlaScheduleGroup"))["Schedules"]
    return [s["Name"] for s in found]


def _claim(case_id: str, actor: dict[str, str], key: str) -> Detail:
    click = _sample("Action.Taken", actor=actor, target={"kind": "case", "id": case_id, "system": "dynamodb"})
    return click.model_copy(update={"meta": click.meta.model_copy(update={"event_key": key})})


def test_a_care_agent_claims_a_case_the_owner_is_set_and_the_sla_stops(
    aws: boto3.Session, mesh: ProvisionedStack
) -> None:
    case_id, crm = _opened_case(aws, mesh, "evt-claim>case")
    assert len(_timers(aws, mesh)) == 1
    alice = {"id": "U0ALICE01", "name": "alice", "via": "slack"}  # a care agent in people.yaml

    _publish(aws, mesh, _claim(case_id, alice, "slack:claim-1"))
    records = _records(aws, mesh, "CasesQueue")
    assert _invoke(mesh, "CasesFunction", [*records, dict(records[0], messageId="again")]) == {
        "batchItemFailures": []
    }  # Slack's retry of the same click, in the same batch

    assert (crm.record("case", case_id) or {})["owner"] == "care-alice"
    assert _timers(aws, mesh) == []
    done = [json.loads(m["Body"]) for m in _drain(aws, mesh.queues["Observer"])]
    completed = [d["detail"] for d in done if d["detail-type"] == "Action.Completed"]
    assert [(d["action"], d["outcome"], d["note"]) for d in completed] == [
        ("claim", "done", "Claimed by Alice Moreau (owner in dynamodb: care-alice)")
    ] * 2
    assert len({d["meta"]["event_key"] for d in completed}) == 1  # one key: notify updates the message once
    assert completed[0]["message_ref"] == "C0SOCIAL:1719936116.634509"
    assert not _drain(aws, mesh.queues["CasesDLQ"])


def test_a_claim_by_someone_not_allowed_is_refused_and_changes_nothing(
    aws: boto3.Session, mesh: ProvisionedStack
) -> None:
    case_id, crm = _opened_case(aws, mesh, "evt-refuse>case")
    before = crm.record("case", case_id)
    timers = _timers(aws, mesh)
    casey = {"id": "U0CASEY01", "name": "casey", "via": "slack"}  # a viewer in people.yaml
    stranger = {"id": "U0NOBODY1", "name": "nobody", "via": "slack"}  # not in people.yaml

    _publish(aws, mesh, _claim(case_id, casey, "slack:claim-casey"), _claim(case_id, stranger, "slack:claim-nobody"))
    _drain(aws, mesh.queues["Observer"])  # the clicks themselves
    assert _invoke(mesh, "CasesFunction", _records(aws, mesh, "CasesQueue")) == {"batchItemFailures": []}

    done = [json.loads(m["Body"]) for m in _drain(aws, mesh.queues["Observer"])]
    assert sorted(d["detail-type"] for d in done) == ["Action.Completed", "Action.Completed"]
    outcomes = sorted((d["detail"]["actor"]["id"], d["detail"]["outcome"]) for d in done)
    assert outcomes == [("U0CASEY01", "refused"), ("U0NOBODY1", "refused")]
    assert all("#talkworthy-help" in d["detail"]["note"] for d in done)  # who to ask instead
    assert crm.record("case", case_id) == before
    assert _timers(aws, mesh) == timers
    assert not _drain(aws, mesh.queues["CasesDLQ"])


def _idea(idea_id: str, title: str, name: str, email: str) -> Detail:
    return _sample(
        "Idea.Submitted",
        idea_system="mention",
        idea_id=idea_id,
        title=title,
        text="",
        url=None,
        submitter={"name": name, "email": email},
        meta={**_sample("Idea.Submitted").meta.model_dump(mode="json"), "event_key": f"idea-{idea_id}"},
    )


def _requests(aws: boto3.Session, stack: ProvisionedStack) -> list[dict[str, Any]]:
    bodies = [json.loads(m["Body"]) for m in _drain(aws, stack.queues["Observer"])]
    return [b for b in bodies if b["detail-type"] == "Action.Requested"]


def test_ideas_proposes_a_merge_then_tells_each_person_once(aws: boto3.Session, mesh: ProvisionedStack) -> None:
    """Ideas, dedupe terms and notice claims on the mesh table as the template declares it."""
    _publish(aws, mesh, _idea("x:1", "Add dark mode to the mobile app", "Ana", "ana@example.com"))
    assert _invoke(mesh, "IdeasFunction", _records(aws, mesh, "IdeasQueue")) == {"batchItemFailures": []}
    _drain(aws, mesh.queues["Observer"])
    _publish(aws, mesh, _idea("x:2", "Please add dark mode to the mobile app", "Bo", "bo@example.com"))
    assert _invoke(mesh, "IdeasFunction", _records(aws, mesh, "IdeasQueue")) == {"batchItemFailures": []}
    ask = next(r["detail"] for r in _requests(aws, mesh) if r["detail"]["channel"] == "slack")
    assert (ask["target"]["id"], ask["target"]["related"]) == ("mention:x:2", "mention:x:1")
    assert ask["actions"] == ["merge", "accept", "decline"]

    owner = {"id": "U0PRIYA01", "name": "priya", "via": "slack"}  # a product owner in people.yaml
    stranger = _sample("Action.Taken", action="accept", target={"kind": "idea", "id": "mention:x:1"})
    stranger = stranger.model_copy(update={"meta": stranger.meta.model_copy(update={"event_key": "stranger-1"})})
    click = _sample(
        "Action.Taken",
        action="merge",
        actor=owner,
        target={"kind": "idea", "id": "mention:x:2", "related": "mention:x:1"},
    )
    accept = _sample("Action.Taken", action="accept", actor=owner, target={"kind": "idea", "id": "mention:x:1"})
    accept = accept.model_copy(update={"meta": accept.meta.model_copy(update={"event_key": "accept-1"})})
    _drain(aws, mesh.queues["Observer"])
    _publish(aws, mesh, stranger)  # someone not in the directory: refused, nothing changes
    assert _invoke(mesh, "IdeasFunction", _records(aws, mesh, "IdeasQueue")) == {"batchItemFailures": []}
    refused = [json.loads(m["Body"])["detail"] for m in _drain(aws, mesh.queues["Observer"])]
    assert [(d["action"], d["outcome"]) for d in refused if "outcome" in d] == [("accept", "refused")]
    assert not _records(aws, mesh, "IdeasQueue")  # no status change came of it
    _publish(aws, mesh, click)
    assert _invoke(mesh, "IdeasFunction", _records(aws, mesh, "IdeasQueue")) == {"batchItemFailures": []}
    _publish(aws, mesh, accept)
    assert _invoke(mesh, "IdeasFunction", _records(aws, mesh, "IdeasQueue")) == {"batchItemFailures": []}
    done = [json.loads(m["Body"])["detail"] for m in _drain(aws, mesh.queues["Observer"])]
    notes = [d["note"] for d in done if d.get("outcome") == "done"]
    assert notes == ["Merged by Priya Shah", "Accepted by Priya Shah"]  # notify updates each message
    status = _records(aws, mesh, "IdeasQueue")  # the decision's Idea.StatusChanged, routed back to the context
    assert [json.loads(r["body"])["detail"]["status"] for r in status] == ["planned"]
    assert _invoke(mesh, "IdeasFunction", status) == {"batchItemFailures": []}
    told = sorted(r["detail"]["audience"] for r in _requests(aws, mesh))
    assert told == ["ana@example.com", "bo@example.com"]

    redelivered = [dict(status[0], messageId="again", body=status[0]["body"].replace("accept-1", "accept-2"))]
    assert _invoke(mesh, "IdeasFunction", redelivered) == {"batchItemFailures": []}
    assert _requests(aws, mesh) == []  # a second report of "planned" tells nobody twice
    assert not _drain(aws, mesh.queues["IdeasDLQ"])


def _click(case_id: str, action: str, key: str, **changes: Any) -> Detail:
    alice = {"id": "U0ALICE01", "name": "alice", "via": "slack"}
    target = {"kind": "case", "id": case_id, "system": "dynamodb", **changes.pop("target", {})}
    click = _sample("Action.Taken", actor=alice, target=target, action=action, **changes)
    return click.model_copy(update={"meta": click.meta.model_copy(update={"event_key": key})})


def _handle(aws: boto3.Session, stack: ProvisionedStack, *details: Detail) -> list[dict[str, Any]]:
    """Put ``details`` on the bus, run the cases function on what its queue got, return what it published."""
    _publish(aws, stack, *details)
    _drain(aws, stack.queues["Observer"])  # the events themselves
    records = _records(aws, stack, "CasesQueue")
    assert _invoke(
        stack, "CasesFunction", [*records, *(dict(r, messageId=f"{r['messageId']}-again") for r in records)]
    ) == {"batchItemFailures": []}  # each record twice: a redelivery in the same batch
    return [json.loads(m["Body"]) for m in _drain(aws, stack.queues["Observer"])]


def test_a_case_file_is_worked_to_its_goal_a_step_timer_then_resolve_then_the_customer_told(
    aws: boto3.Session, mesh: ProvisionedStack
) -> None:
    from talkworthy.cases.store import DynamoDbCaseFiles
    from talkworthy.catalog import RecordRef
    from talkworthy.scheduling import step_timer_name

    case_id, crm = _opened_case(aws, mesh, "evt-file>case")
    files = DynamoDbCaseFiles(aws.resource("dynamodb").Table(mesh.attr("MeshTable")))
    case = RecordRef(system="dynamodb", record_id=case_id)
    file = files.get(case)
    assert file is not None
    assert (file.goal_from, file.state) == ("the default goal", "open")  # the sample's rule is not in the rules

    step = json.dumps({"text": "Call the courier", "assignee": "U0JORDAN1", "due": 4102444800})  # 2100-01-01
    published = _handle(aws, mesh, _click(case_id, "add_step", "slack:step-1", argument=step))
    file = files.get(case)
    assert file is not None
    [added] = file.steps  # the redelivery added nothing
    assert step_timer_name(case, added.step_id) in _timers(aws, mesh)
    posts = [p["detail"] for p in published if p["detail-type"] == "Action.Requested"]
    assert {p["headline"] for p in posts} == {"Next step: Call the courier"}

    _handle(aws, mesh, _click(case_id, "step_done", "slack:done-1", target={"related": added.step_id}))
    assert step_timer_name(case, added.step_id) not in _timers(aws, mesh)

    published = _handle(aws, mesh, _click(case_id, "resolve", "slack:resolve-1"))
    assert (crm.record("case", case_id) or {})["status"] == "solved"
    closed = [p["detail"] for p in published if p["detail-type"] == "Ticket.Closed"]
    assert len({c["meta"]["event_key"] for c in closed}) == 1  # one closure, however often the click arrives
    assert (closed[0]["ticket"]["system"], closed[0]["ticket"]["record_id"]) == ("dynamodb", case_id)

    ticket = _sample("Ticket.Closed", **{k: closed[0][k] for k in ("ticket", "status", "closed_at", "resolution")})
    said = _handle(aws, mesh, ticket)
    assert "Ticket solved in the built-in CRM: Resolved by Alice Moreau from Slack" in {
        p["detail"]["headline"] for p in said if p["detail-type"] == "Action.Requested"
    }
    # the same context closes the loop on that Ticket.Closed (usecases/close_loop.py): this case has no
    # public origin, so the customer is told by e-mail, and that Loop.Closed meets the goal; a second
    # Loop.Closed (another channel's, redelivered or late) changes nothing
    loop = _sample("Loop.Closed", case={"system": "dynamodb", "record_id": case_id}, ticket=None)
    said += _handle(aws, mesh, loop)
    headlines = [p["detail"]["headline"] for p in said if p["detail-type"] == "Action.Requested"]
    assert "Customer told on email" in headlines
    assert "Customer told on x (https://x.com/acme_care/status/1850000000000000001)" not in headlines
    assert any(h.startswith("Goal met") for h in headlines)
    file = files.get(case)
    assert file is not None
    assert file.state == "goal_met"
    assert not _drain(aws, mesh.queues["CasesDLQ"])
