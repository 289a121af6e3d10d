"""`talkworthy status`: queues and DLQs per context, alarms in alarm, open surges, the last delivery per sender."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.cli.dlq import depth, parked
from infra.cli.target import Target, contexts_from_template

__all__ = ["last_deliveries", "open_surges", "snapshot"]


def _oldest_parked_age(target: Target, context: Any) -> float | None:
    oldest = min((item.sent_at for item in parked(target, context)), default=None)
    return (datetime.now(UTC) - oldest).total_seconds() if oldest else None


def snapshot(target: Target) -> dict[str, Any]:
    contexts = []
    for context in contexts_from_template():
        queue, dlq = depth(target, context.queue), depth(target, context.dlq)
        contexts.append(
            {
                "context": context.name,
                "queued": queue["visible"],
                "in_flight": queue["in_flight"],
                "dlq": dlq["visible"] + dlq["in_flight"],
                "oldest_parked_seconds": _oldest_parked_age(target, context) if dlq["visible"] else None,
            }
        )
    alarms = target.client("cloudwatch").describe_alarms(StateValue="ALARM").get("MetricAlarms", [])
    return {
        "target": target.description,
        "contexts": contexts,
        "alarms_in_alarm": sorted(alarm["AlarmName"] for alarm in alarms),
        "open_surges": open_surges(target),
        "last_delivery_by_sender": last_deliveries(target),
    }


def open_surges(target: Target) -> list[dict[str, Any]]:
    """Each open surge as the detector and notify last saw it: topic, since when, mentions, peak, owner."""
    from talkworthy.community.counters import DynamoDbSurgeStore
    from talkworthy.notify.incidents import DynamoDbIncidentStore

    table = target.table("MeshTable")
    incidents = DynamoDbIncidentStore(table)
    found = []
    for topic in sorted(DynamoDbSurgeStore(table).open_topics()):
        seen = incidents.surge(topic)
        if seen is None:
            continue  # opened this instant: its read model follows
        surge = seen[0]
        found.append(
            {
                "topic": topic,
                "subject": surge.subject,
                "since": surge.opened_at.isoformat(),
                "mentions": surge.total,
                "peak": surge.peak,
                "bucket_seconds": surge.evidence.bucket_seconds,
                "owner": incidents.owner(topic),
            }
        )
    return found


def last_deliveries(target: Target, newest: int = 200, days: int = 7) -> dict[str, str]:
    """When each sender last delivered, from the newest raw-archive objects.

    Objects sit under ``raw/YYYY/MM/DD/HH/`` (UTC), so only the last ``days`` days' prefixes are
    listed, newest day first, until ``newest`` objects are found: the listing does not grow with
    the archive's 90 days.
    """
    bucket = target.resources.get("RawDeliveriesBucket")
    if not bucket:
        return {}
    s3 = target.client("s3")
    today = datetime.now(UTC)
    keys: list[str] = []
    for back in range(days):
        prefix = f"raw/{today - timedelta(days=back):%Y/%m/%d}/"
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        keys += sorted((item["Key"] for page in pages for item in page.get("Contents", [])), reverse=True)
        if len(keys) >= newest:
            break
    found: dict[str, str] = {}
    for key in keys[:newest]:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if key.endswith(".gz"):
            body = gzip.decompress(body)
        for line in body.decode().splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            source, at = record.get("source", "?"), record.get("received_at", "")
            if at > found.get(source, ""):
                found[source] = at
    return found
