"""The scheduled surge scan as deployed: settings from template.yaml's environment, the journal
routing wrote on the provisioned mesh table (moto), events on the bus, the read model notify folds by."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3

from infra.local.provision import provision
from talkworthy.routing.journal import DynamoDbRoutingJournal
from talkworthy.scheduled import ScheduledRun
from tests.functional.conftest import TEST_PARAMETERS
from tests.unit.community.test_surge_counting import _mention, _route

BUCKET = 60
START = 1_900_000_020 // BUCKET * BUCKET


def test_the_scan_detects_publishes_and_records_a_surge_then_resolves_it_in_silence(aws: boto3.Session) -> None:
    from talkworthy.contexts.surge_scan import SurgeScanPorts, run_surge_scan
    from talkworthy.settings import SurgeScanSettings, use_environment

    parameters = {
        **TEST_PARAMETERS,
        "SurgeBucketSeconds": str(BUCKET),
        "SurgeGraceSeconds": "5",
        "SurgeSilenceSeconds": "120",
        "SurgeQuietBuckets": "2",
    }
    stack = provision(aws, stack_name="scan", parameters=parameters)
    table = aws.resource("dynamodb").Table(stack.attr("MeshTable"))
    journal = DynamoDbRoutingJournal(table)
    per_bucket = [2] * 12 + [30, 35]
    n = 0
    for index, count in enumerate(per_bucket):
        for i in range(count):
            _route(journal, _mention(n, START + index * BUCKET + i))
            n += 1

    with use_environment(stack.functions["SurgeScanFunction"].environment):
        ports = SurgeScanPorts(SurgeScanSettings.load())
    reports = []
    for minute in range(1, len(per_bucket) + 6):  # the scan every minute; the brand silent after the spike
        now = datetime.fromtimestamp(START + minute * BUCKET + 10, UTC)
        reports.append(run_surge_scan(ports, ScheduledRun(f"run-{minute}", None, now)).counts)

    assert sum(r["SurgesDetected"] for r in reports) == 1
    assert sum(r["SurgesResolved"] for r in reports) == 1  # nobody mentioned anything after the spike
    surge = ports.incidents.surge("acme/complaint")
    assert surge is not None
    assert surge[0].DETAIL_TYPE == "Surge.Resolved"
    assert (surge[0].total, surge[0].peak) == (65, 35)

    sqs = aws.client("sqs")
    received: list[str] = []
    while page := sqs.receive_message(QueueUrl=stack.queues["NotifyQueue"], MaxNumberOfMessages=10).get("Messages"):
        received += [json.loads(m["Body"])["detail-type"] for m in page]
        sqs.delete_message_batch(
            QueueUrl=stack.queues["NotifyQueue"],
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(page)],
        )
    assert received.count("Surge.Detected") == 1
    assert received.count("Surge.Resolved") == 1
