"""`talkworthy replay`: send a time window's events through the mesh again, marked as a replay.

Two sources, one marking:

- **the bus archive** (a deployed stack): EventBridge ``StartReplay`` over the window, to the
  rules that route the chosen detail-types (``FilterArns``); EventBridge names the replay in
  each event's envelope (``replay-name``). EventBridge cannot list an archive's events, so a
  dry run there gives the archive's size and the rules, not counts.
- **the raw delivery archive** (the local mesh, where moto's replay ignores the window; or
  ``--archive raw`` anywhere): every delivery the ingress archived in the window is read back
  from S3, its signature checked again *as of the time it arrived* with the sender's current
  secrets, adapted by the same sender adapter the ingress uses, and its events published with
  ``meta.replay`` set. Nothing is re-signed: a record whose signature does not verify (forged
  into the bucket, or signed with a secret rotated out since) is skipped and reported. The one
  check a replay skips is freshness (the sender's timestamp window), because the delivery is old
  by design; that is safe only because the record was written by the ingress after it had
  verified it, into a bucket nothing else writes to, and because the path is not reachable
  over HTTP: it needs the operator's credentials for the bucket, the secret and the bus.

Either way a replayed event keeps its event key, so every consumer's idempotency (keyed on it)
makes a replay of what was already handled change nothing; notifications are suppressed for
replayed events (and what they lead to) unless the replay's name ends in ``-notify``.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.cli.target import Target

__all__ = ["RawPlan", "archive_replay", "plan_raw", "publish", "replay_name", "rules_for"]


def replay_name(now: datetime, *, notify: bool) -> str:
    from talkworthy.consumer import REPLAY_NOTIFY_SUFFIX

    return f"talkworthy-replay-{now:%Y%m%dT%H%M%S}" + (REPLAY_NOTIFY_SUFFIX if notify else "")


@dataclass
class RawPlan:
    """What a raw-archive replay would publish: the events and why each other delivery is left out."""

    events: list[Any] = field(default_factory=list)  # catalog details, marked
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (sender, detail-type) -> events
    deliveries: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (correlation id, why)


def _hours(start: datetime, end: datetime) -> Iterator[str]:
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour <= end:
        yield f"raw/{hour:%Y/%m/%d/%H}/"
        hour += timedelta(hours=1)


def raw_records(target: Target, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Every raw-archive record received in [start, end], oldest object first (UTC hour prefixes)."""
    s3 = target.client("s3")
    bucket = target.resources["RawDeliveriesBucket"]
    for prefix in _hours(start, end):
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for key in sorted(item["Key"] for page in pages for item in page.get("Contents", [])):
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            if key.endswith(".gz"):
                body = gzip.decompress(body)
            for line in body.decode().splitlines():
                if line.strip():
                    record = json.loads(line)
                    if start <= datetime.fromisoformat(record["received_at"]) <= end:
                        yield record


def plan_raw(
    target: Target, start: datetime, end: datetime, *, name: str, sources: set[str], detail_types: set[str]
) -> RawPlan:
    from chalicelib.senders import SENDERS
    from chalicelib.senders.base import MalformedBodyError, UnusableBodyError, WebhookDelivery
    from chalicelib.signatures import SignatureError

    secrets = json.loads(
        target.client("secretsmanager").get_secret_value(SecretId=target.resources["WebhookSecrets"])["SecretString"]
    )
    plan = RawPlan()
    for record in raw_records(target, start, end):
        source = record["source"]
        if sources and source not in sources:
            continue
        sender = SENDERS.get(source)
        if sender is None:  # the ingress archives only deliveries for known senders
            plan.skipped.append((record["correlation_id"], f"unknown sender {source!r}"))
            continue
        received_at = datetime.fromisoformat(record["received_at"])
        delivery = WebhookDelivery(
            source=source,
            body=base64.b64decode(record["body_base64"]),
            headers=record["headers"],
            correlation_id=record["correlation_id"],
            received_at=received_at,
            method=record.get("method", "POST"),
            url=record.get("url", ""),
            path_params=_path_params(source, record.get("url", "")),
        )
        try:
            sender.verify(delivery, secrets.get(source, {}), received_at.timestamp())
            items = sender.adapt(delivery)
        except SignatureError as err:
            plan.skipped.append((delivery.correlation_id, f"signature does not verify: {err.reason}"))
            continue
        except (MalformedBodyError, UnusableBodyError) as err:  # the ingress answered 4xx: nothing was published
            plan.skipped.append((delivery.correlation_id, f"rejected when it arrived: {err.reason}"))
            continue
        plan.deliveries += 1
        for item in items:
            for detail in item.details:
                if detail_types and detail.DETAIL_TYPE not in detail_types:
                    continue
                plan.events.append(detail.model_copy(update={"meta": detail.meta.model_copy(update={"replay": name})}))
                plan.counts[(source, detail.DETAIL_TYPE)] += 1
    return plan


def _path_params(source: str, url: str) -> dict[str, str]:
    """The ``/webhooks/{source}[/{token}]`` segments of the URL the delivery was posted to."""
    path = url.split("://", 1)[-1].split("?", 1)[0]
    segments = path.split("/webhooks/", 1)[-1].split("/") if "/webhooks/" in path else [source]
    return {"source": segments[0], **({"token": segments[1]} if len(segments) > 1 else {})}


def publish(target: Target, events: list[Any], progress: Callable[[int], None] = lambda _: None) -> int:
    from talkworthy.publishing import EventBridgePublisher

    publisher = EventBridgePublisher(target.client("events"), target.resources["Bus"])
    for start in range(0, len(events), 10):
        chunk = events[start : start + 10]
        publisher.publish(chunk)
        progress(len(chunk))
    return len(events)


def rules_for(target: Target, detail_types: set[str]) -> list[dict[str, Any]]:
    """The bus's rules (name, ARN) that route any of ``detail_types`` (all of them when empty)."""
    events = target.client("events")
    found = []
    for page in events.get_paginator("list_rules").paginate(EventBusName=target.resources["Bus"]):
        for rule in page["Rules"]:
            routed = json.loads(rule.get("EventPattern") or "{}").get("detail-type")
            if not detail_types or routed is None or detail_types & set(routed):
                found.append({"name": rule["Name"], "arn": rule["Arn"]})
    return found


def archive_replay(
    target: Target,
    start: datetime,
    end: datetime,
    *,
    name: str,
    rule_arns: list[str],
    progress: Callable[[float, str], None] = lambda _f, _s: None,
    poll_seconds: float = 2.0,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Start an archive replay and follow it to its end; ``progress(fraction, state)`` as it goes."""
    import time

    events = target.client("events")
    bus_arn = events.describe_event_bus(Name=target.resources["Bus"])["Arn"]
    archive_arn = events.describe_archive(ArchiveName=target.resources["BusArchive"])["ArchiveArn"]
    destination: dict[str, Any] = {"Arn": bus_arn}
    if rule_arns:
        destination["FilterArns"] = rule_arns
    events.start_replay(
        ReplayName=name, EventSourceArn=archive_arn, EventStartTime=start, EventEndTime=end, Destination=destination
    )
    span = max((end - start).total_seconds(), 1.0)
    while True:
        state = events.describe_replay(ReplayName=name)
        last = state.get("EventLastReplayedTime")
        done = (last.astimezone(UTC) - start).total_seconds() / span if last else 0.0
        progress(min(max(done, 0.0), 1.0), state["State"])
        if state["State"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return dict(state)
        (sleep or time.sleep)(poll_seconds)
