"""The embedded AWS's bridges (infra/local/moto_server.py) make moto behave as AWS does."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import table as moto_table

from infra.local import moto_bridges, moto_queries
from infra.local.moto_server import atomic_dynamodb_items

COPIES = 4


def _create(client: Any) -> str:
    client.create_table(
        TableName="once",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "once"


def _at_once(action: Callable[[], None]) -> None:
    """Run ``action`` on COPIES threads, released together, and wait for them all."""
    start = threading.Barrier(COPIES)

    def released() -> None:
        start.wait()
        action()

    threads = [threading.Thread(target=released) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _concurrent_first_puts(client: Any, table: str, key: str) -> int:
    """COPIES threads put the same key at once, each only if it does not exist; how many succeed."""
    accepted = []

    def put() -> None:
        try:
            client.put_item(TableName=table, Item={"id": {"S": key}}, ConditionExpression="attribute_not_exists(id)")
            accepted.append(key)
        except client.exceptions.ConditionalCheckFailedException:
            pass

    _at_once(put)
    return len(accepted)


@pytest.fixture
def slow_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen moto's window between reading the current item and writing, so a race shows every time
    (wide enough that the copies' threads, started together, all read before any writes on a busy
    machine too: at 50 ms, one run in a loaded full suite saw them pass one at a time)."""
    parse = moto_table.get_filter_expression

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return parse(*args, **kwargs)

    monkeypatch.setattr(moto_table, "get_filter_expression", slowly)


@pytest.mark.usefixtures("slow_condition")
def test_moto_alone_accepts_concurrent_conditional_puts_of_one_key(aws: boto3.Session) -> None:
    """The gap, shown: every copy reads "no item" before any of them writes."""
    client = aws.client("dynamodb")
    assert _concurrent_first_puts(client, _create(client), "k") > 1


@pytest.mark.usefixtures("slow_condition")
def test_with_the_bridge_exactly_one_conditional_put_wins(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_dynamodb_items(monkeypatch.setattr)
    client = aws.client("dynamodb")
    table = _create(client)
    assert [_concurrent_first_puts(client, table, f"k{n}") for n in range(3)] == [1, 1, 1]


@pytest.fixture
def bridged(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    moto_bridges.install(monkeypatch.setattr)
    atomic_dynamodb_items(monkeypatch.setattr)
    return aws


def _item(client: Any, key: str) -> dict[str, Any] | None:
    return client.get_item(TableName="once", Key={"id": {"S": key}}).get("Item")


def test_a_transaction_with_a_failed_condition_writes_nothing(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    client.put_item(TableName=table, Item={"id": {"S": "taken"}, "n": {"N": "1"}})
    client.put_item(TableName=table, Item={"id": {"S": "counter"}, "n": {"N": "1"}})
    with pytest.raises(client.exceptions.TransactionCanceledException) as caught:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"id": {"S": "new"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"id": {"S": "counter"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"id": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(id)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    reasons = caught.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"] == {"id": {"S": "taken"}, "n": {"N": "1"}}
    assert _item(client, "new") is None
    assert _item(client, "taken") == {"id": {"S": "taken"}, "n": {"N": "1"}}
    assert _item(client, "counter") == {"id": {"S": "counter"}, "n": {"N": "1"}}


def test_a_transaction_whose_conditions_hold_writes_every_item(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    client.put_item(TableName=table, Item={"id": {"S": "old"}})
    client.put_item(TableName=table, Item={"id": {"S": "guard"}})
    client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table,
                    "Item": {"id": {"S": "a"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            },
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {"id": {"S": "guard"}},
                    "ConditionExpression": "attribute_exists(id)",
                }
            },
            {"Delete": {"TableName": table, "Key": {"id": {"S": "old"}}}},
        ]
    )
    assert _item(client, "a") == {"id": {"S": "a"}}
    assert _item(client, "old") is None
    assert _item(client, "guard") == {"id": {"S": "guard"}}


def test_two_operations_on_one_item_are_refused(bridged: boto3.Session) -> None:
    client = bridged.client("dynamodb")
    table = _create(client)
    with pytest.raises(client.exceptions.ClientError, match="multiple operations"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"id": {"S": "a"}}}},
                {"Delete": {"TableName": table, "Key": {"id": {"S": "a"}}}},
            ]
        )
    assert _item(client, "a") is None


def test_queue_attributes_by_name_and_receives_are_unchanged(bridged: boto3.Session) -> None:
    sqs = bridged.client("sqs")
    url = sqs.create_queue(QueueName="q", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
    names = ["ApproximateNumberOfMessages", "MessageRetentionPeriod"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"] == {
        "ApproximateNumberOfMessages": "3",
        "MessageRetentionPeriod": "60",
    }
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 3
    with pytest.raises(sqs.exceptions.ClientError, match="Unknown Attribute"):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])


def test_a_send_reads_the_deduplication_flag_without_counting_the_queue(
    bridged: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.sqs.models import Queue

    sqs = bridged.client("sqs")
    fifo = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})[
        "QueueUrl"
    ]
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    counted = []
    depth = Queue.approximate_number_of_messages.fget
    monkeypatch.setattr(Queue, "approximate_number_of_messages", property(lambda q: counted.append(q) or depth(q)))
    for body in ("a", "b", "a"):  # the second "a" is a duplicate within five minutes: dropped
        sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId="g")
    sqs.send_message_batch(QueueUrl=plain, Entries=[{"Id": str(n), "MessageBody": str(n)} for n in range(3)])
    assert counted == []
    with pytest.raises(sqs.exceptions.ClientError, match="MessageGroupId"):
        sqs.send_message(QueueUrl=fifo, MessageBody="c")
    attributes = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ContentBasedDeduplication"]) == ("2", "true")
    assert (
        sqs.get_queue_attributes(QueueUrl=plain, AttributeNames=["All"])["Attributes"]["ApproximateNumberOfMessages"]
        == "3"
    )


def test_deletes_and_receives_of_a_deep_queue_answer_as_moto_does(bridged: boto3.Session) -> None:
    sqs = bridged.client("sqs")
    url = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for start in range(0, 30, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": str(start + n)} for n in range(10)])
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)  # delayed: not received
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    assert [m["Body"] for m in got] == [str(n) for n in range(10)]
    handles = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(got)]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[*handles[:5], {"Id": "bad", "ReceiptHandle": "nope"}])
    assert sorted(e["Id"] for e in deleted["Successful"]) == ["0", "1", "2", "3", "4"]
    assert [(e["Id"], e["Code"]) for e in deleted["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    again = sqs.delete_message_batch(QueueUrl=url, Entries=handles[:2])  # deleted already: accepted
    assert len(again["Successful"]) == 2
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (
        attributes["ApproximateNumberOfMessages"],
        attributes["ApproximateNumberOfMessagesNotVisible"],
        attributes["ApproximateNumberOfMessagesDelayed"],
    ) == ("20", "5", "1")
    rest = [
        m["Body"]
        for _ in range(3)
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    assert rest == [str(n) for n in range(10, 30)]


@pytest.fixture
def slow_mark_received(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen moto's window between finding a message visible and marking it received."""
    from moto.sqs.models import Message

    mark = Message.mark_received

    def slowly(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return mark(self, *args, **kwargs)

    monkeypatch.setattr(Message, "mark_received", slowly)


def _concurrent_receives(sqs: Any, url: str) -> list[str]:
    """COPIES threads receive from one queue at once; the bodies they got, all together."""
    got: list[str] = []
    _at_once(
        lambda: got.extend(
            m["Body"] for m in sqs.receive_message(QueueUrl=url, VisibilityTimeout=60).get("Messages", [])
        )
    )
    return got


@pytest.mark.usefixtures("slow_mark_received")
def test_moto_alone_gives_one_message_to_concurrent_receivers(aws: boto3.Session) -> None:
    """The gap, shown: every receiver finds the message visible before any marks it received."""
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="once")
    assert len(_concurrent_receives(sqs, url)) > 1


@pytest.mark.usefixtures("slow_mark_received")
def test_with_the_bridge_one_receiver_gets_a_message_within_its_visibility_timeout(bridged: boto3.Session) -> None:
    sqs = bridged.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    assert sorted(_concurrent_receives(sqs, url)) == ["m0", "m1", "m2"]  # each once (a receiver may get none)


def test_with_the_bridge_a_long_poll_gets_a_later_message_and_holds_up_no_other_receiver(
    bridged: boto3.Session,
) -> None:
    sqs = bridged.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    polled: list[list[str]] = []
    poller = threading.Thread(
        target=lambda: polled.append(
            [m["Body"] for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])]
        )
    )
    poller.start()
    time.sleep(0.5)  # the poller is waiting on the empty queue
    started = time.monotonic()
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    assert time.monotonic() - started < 0.5  # not behind the poll's wait
    sqs.send_message(QueueUrl=url, MessageBody="later")
    poller.join(timeout=5)
    assert polled == [["later"]]
    started = time.monotonic()
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    assert time.monotonic() - started >= 0.9  # an empty long poll still waits its time


def test_the_bus_archive_keeps_each_event_as_text_and_a_replay_delivers_it_as_sent(bridged: boto3.Session) -> None:
    from moto.events.models import events_backends

    events, sqs = bridged.client("events"), bridged.client("sqs")
    bus = events.create_event_bus(Name="mesh")["EventBusArn"]
    archive = events.create_archive(ArchiveName="mesh-archive", EventSourceArn=bus)["ArchiveArn"]
    url = sqs.create_queue(QueueName="replayed")["QueueUrl"]
    events.put_rule(Name="all", EventBusName="mesh", EventPattern=json.dumps({"source": ["talkworthy.test"]}))
    events.put_targets(
        Rule="all", EventBusName="mesh", Targets=[{"Id": "q", "Arn": "arn:aws:sqs:us-east-1:123456789012:replayed"}]
    )
    detail = {"meta": {"event_key": "k1"}, "text": "café ☕", "score": 0.25, "tags": ["a", "b"]}
    sent = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    events.put_events(
        Entries=[
            {
                "Source": "talkworthy.test",
                "DetailType": "T",
                "Detail": json.dumps(detail),
                "EventBusName": "mesh",
                "Time": sent,
            }
        ]
    )
    live = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    stored = events_backends["123456789012"]["us-east-1"].archives["mesh-archive"].events
    assert len(stored) == 1
    assert all(isinstance(text, str) for text in list.__iter__(stored))
    assert events.describe_archive(ArchiveName="mesh-archive")["EventCount"] == 1

    events.start_replay(
        ReplayName="again", EventSourceArn=archive, EventStartTime=sent, EventEndTime=sent, Destination={"Arn": bus}
    )
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert [(b["detail"], b["detail-type"], b["time"], b["replay-name"]) for b in bodies] == [
        (detail, "T", live["time"], "again")
    ]


def _orders(client: Any) -> None:
    client.create_table(
        TableName="orders",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for customer in ("c1", "c2", "c3"):
        for n in (3, 1, 2, 5, 4):
            client.put_item(
                TableName="orders",
                Item={
                    "pk": {"S": customer},
                    "sk": {"S": f"order#{n}"},
                    "status": {"S": "open" if n % 2 else "closed"},
                },
            )


def _pages(client: Any, **query: Any) -> list[list[str]]:
    pages, start = [], None
    while True:
        page = client.query(TableName="orders", Limit=2, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append([f"{i['pk']['S']}/{i['sk']['S']}" for i in page["Items"]])
        start = page.get("LastEvaluatedKey")
        if not start:
            return pages


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :c", "ExpressionAttributeValues": {":c": {"S": "c2"}}},
    {"KeyConditionExpression": "pk = :c", "ExpressionAttributeValues": {":c": {"S": "c2"}}, "ScanIndexForward": False},
    {
        "KeyConditionExpression": "pk = :c AND sk BETWEEN :a AND :b",
        "FilterExpression": "#s = :open",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {
            ":c": {"S": "c3"},
            ":a": {"S": "order#2"},
            ":b": {"S": "order#5"},
            ":open": {"S": "open"},
        },
    },
    {"KeyConditionExpression": "pk = :c", "ExpressionAttributeValues": {":c": {"S": "nobody"}}},
    {
        "IndexName": "by-status",
        "KeyConditionExpression": "#s = :open",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":open": {"S": "open"}},
    },
]


def _items_read_per_query(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each query reads from here on (the bridged ``Table.all_items``), in order."""
    read: list[int] = []
    bridged_all_items = moto_table.Table.all_items

    def counting(self: Any) -> list[Any]:
        items = bridged_all_items(self)
        read.append(len(items))
        return items

    monkeypatch.setattr(moto_table.Table, "all_items", counting)
    return read


def test_a_base_table_query_reads_its_partition_with_the_same_answers(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = aws.client("dynamodb")
    _orders(client)
    plain = [_pages(client, **query) for query in QUERIES]
    assert plain[0] == [["c2/order#1", "c2/order#2"], ["c2/order#3", "c2/order#4"], ["c2/order#5"]]
    moto_queries.install(monkeypatch.setattr)
    partitions_read = _items_read_per_query(monkeypatch)
    assert [_pages(client, **query) for query in QUERIES] == plain  # pagination, order, filters, the GSI
    assert max(partitions_read[: len(plain[0])]) == 5  # one customer's orders, not the table's 15
    assert client.scan(TableName="orders")["Count"] == 15  # outside a query: every item


def _by_status(client: Any, status: str, **query: Any) -> list[str]:
    return [
        key
        for page in _pages(
            client,
            IndexName="by-status",
            KeyConditionExpression="#s = :v",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":v": {"S": status}},
            **query,
        )
        for key in page
    ]


def _scanned(client: Any, status: str) -> list[str]:
    """What the index holds for ``status``, read from the whole table (a scan is not bridged), in
    moto's order for an index without a sort key: the table's sort key, then its partition key."""
    items = [i for i in client.scan(TableName="orders")["Items"] if i.get("status", {}).get("S") == status]
    return [f"{i['pk']['S']}/{i['sk']['S']}" for i in sorted(items, key=lambda i: (i["sk"]["S"], i["pk"]["S"]))]


def test_an_index_query_reads_the_index_partition_kept_by_every_write(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = aws.client("dynamodb")
    _orders(client)  # written before the bridge: the postings are built on the first query
    plain = {status: _by_status(client, status) for status in ("open", "closed")}
    backwards = _by_status(client, "open", ScanIndexForward=False)
    moto_bridges.install(monkeypatch.setattr)
    atomic_dynamodb_items(monkeypatch.setattr)
    read = _items_read_per_query(monkeypatch)
    assert {status: _by_status(client, status) for status in ("open", "closed")} == plain
    assert _by_status(client, "open", ScanIndexForward=False) == backwards == list(reversed(plain["open"]))
    assert max(read) == 9  # the open orders, not the table's 15

    def key(pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    client.put_item(TableName="orders", Item={**key("c1", "order#1"), "status": {"S": "closed"}})  # overwritten
    client.update_item(  # changed in place
        TableName="orders",
        Key=key("c2", "order#2"),
        UpdateExpression="SET #s = :v",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":v": {"S": "open"}},
    )
    client.update_item(
        TableName="orders",
        Key=key("c3", "order#3"),
        UpdateExpression="REMOVE #s",
        ExpressionAttributeNames={"#s": "status"},
    )
    client.update_item(  # a new item, made by an update
        TableName="orders",
        Key=key("c4", "order#1"),
        UpdateExpression="SET #s = :v",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":v": {"S": "held"}},
    )
    client.delete_item(TableName="orders", Key=key("c2", "order#5"))
    client.batch_write_item(
        RequestItems={
            "orders": [
                {"PutRequest": {"Item": {**key("c5", "order#9"), "status": {"S": "open"}}}},
                {"DeleteRequest": {"Key": key("c1", "order#3")}},
            ]
        }
    )
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": "orders",
                    "Key": key("c3", "order#4"),
                    "UpdateExpression": "SET #s = :v",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":v": {"S": "held"}},
                }
            },
            {"Delete": {"TableName": "orders", "Key": key("c3", "order#5")}},
        ]
    )
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):  # refused: nothing moves
        client.update_item(
            TableName="orders",
            Key=key("c1", "order#5"),
            UpdateExpression="SET #s = :v",
            ConditionExpression="attribute_not_exists(pk)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":v": {"S": "held"}},
        )
    for status in ("open", "closed", "held"):
        assert _by_status(client, status) == _scanned(client, status)
    assert _by_status(client, "open") == [
        "c2/order#1",
        "c3/order#1",
        "c2/order#2",
        "c2/order#3",
        "c1/order#5",
        "c5/order#9",
    ]
    assert _by_status(client, "held") == ["c4/order#1", "c3/order#4"]
    assert _by_status(client, "nobody") == []


_VARYING = {"x-amzn-requestid", "date"}


def _server_answers(monkeypatch: pytest.MonkeyPatch, *, direct: bool) -> list[tuple[int, Any, Any]]:
    """The same requests, as a client sends them to moto's server, with JSON calls dispatched
    directly or through moto's Flask apps: status, body and headers of each answer."""
    import json

    from moto.core.utils import convert_to_flask_response
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.test import Client

    through_flask = convert_to_flask_response.__call__

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        flask_calls.append(1)
        return through_flask(self, *args, **kwargs)

    flask_calls: list[int] = []
    monkeypatch.setattr(convert_to_flask_response, "__call__", counted)
    if direct:
        moto_bridges.json_calls_dispatched_directly(monkeypatch.setattr)
    client = Client(DomainDispatcherApplication(create_backend_app))
    scope = "Credential=testing/20261201/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"

    def call(service: str, target: str, body: dict[str, Any], **headers: str) -> tuple[int, Any, Any]:
        answer = client.post(
            "/",
            data=json.dumps(body),
            headers={
                "X-Amz-Target": target,
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": "AWS4-HMAC-SHA256 " + scope.format(service),
                **headers,
            },
        )
        kept = sorted((k.lower(), v) for k, v in answer.headers.items() if k.lower() not in _VARYING)
        return answer.status_code, json.loads(answer.get_data() or b"null"), kept

    table = {
        "TableName": "t",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    put = {"TableName": "t", "Item": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_not_exists(pk)"}
    answers = [
        (call("dynamodb", "DynamoDB_20120810.CreateTable", table)[0], None, None),  # its body holds a time
        call("dynamodb", "DynamoDB_20120810.PutItem", put),
        call("dynamodb", "DynamoDB_20120810.PutItem", put),  # refused: a 400 with its error
        call("dynamodb", "DynamoDB_20120810.GetItem", {"TableName": "t", "Key": {"pk": {"S": "a"}}}),
        call("dynamodb", "DynamoDB_20120810.GetItem", {"TableName": "missing", "Key": {"pk": {"S": "a"}}}),
        call("sqs", "AmazonSQS.CreateQueue", {"QueueName": "q"}),
        call("dynamodb", "DynamoDB_20120810.ListTables", {}, Origin="http://localhost"),  # a browser's
    ]
    assert len(flask_calls) == (1 if direct else len(answers))  # directly: only the browser's call
    return [(status, _without_ids(body), headers) for status, body, headers in answers]


def _without_ids(body: Any) -> Any:
    return {k: v for k, v in body.items() if k not in ("ResponseMetadata",)} if isinstance(body, dict) else body


def test_json_calls_dispatched_directly_answer_as_moto_s_flask_apps_do(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    through_flask = _server_answers(monkeypatch, direct=False)
    aws.client("dynamodb").delete_table(TableName="t")
    aws.client("sqs").delete_queue(QueueUrl=aws.client("sqs").get_queue_url(QueueName="q")["QueueUrl"])
    direct = _server_answers(monkeypatch, direct=True)
    assert direct == through_flask
    assert [status for status, _, _ in direct] == [200, 200, 400, 200, 400, 200, 200]
    assert direct[2][1]["__type"].endswith("ConditionalCheckFailedException")
    assert ("access-control-allow-origin", "http://localhost") in direct[-1][2]  # a browser's: CORS
