"""What surge detection adds per 1 M mentions (``make bench``, section ``community``).

Surge detection has no per-mention path of its own: a finished bucket is counted from the routing
journal, one item per routed mention that routing writes anyway, and evaluated by a scheduled scan
every minute (``contexts/surge_scan.py``). What it adds:

- **the journal's growth**: the topic and sentiment attributes and the time-ordered sort key make
  each journal item a few dozen bytes bigger; a write is billed per started KB, so that costs a
  WCU whenever it pushes an item over a KB boundary: for item sizes spread over the KB, the bytes
  added / 1,024 WCU per mention (the bench's items are all of one size and would show 0);
- **the scan's reads and writes**, metered as billed on the mesh table provisioned from
  template.yaml (moto, in-process; ``infra/cost_model.py``): the clock, the open topics, each
  topic's state and history totals. A bucket's journal read is a range query per shard with a
  projection, and DynamoDB bills a query on the full items it reads (per started 4 KB, halved for
  eventual consistency), not on what the projection returns, so those queries are billed here from
  the stored items' full sizes instead of the meter's view;
- **the scan's runs**: one Lambda request a minute however many mentions arrive (43,200 a month),
  its duration (CPU measured plus ``AWS_CALL_SECONDS`` per call), Lambda's log lines and the run's
  summary line; the schedule is an EventBridge scheduled rule, which is not billed;
- the ``Surge.*`` events it publishes.

The stream: a mix of intents and sentiments for one brand (five topics), at two rates: about a
million mentions a month (0.39 a second) and a crisis (500 a minute), the scan run every 60 s of
the stream's time. The community queue no longer carries mentions, so it adds nothing.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.cost_model import AWS_CALL_SECONDS, MEMORY_GB, PLATFORM_LOG_BYTES, PRICE, Meter, item_size

__all__ = ["ALLOWANCE_USD", "RATES", "surge_costs"]

ALLOWANCE_USD = 0.50  # what surge detection may add to the mention path, per 1 M mentions
RATES = {"monthly_1m": 1e6 / (30 * 86400), "crisis_500_per_min": 500 / 60}
COUNTS = {"monthly_1m": 3000, "crisis_500_per_min": 7500}  # mentions simulated (the crisis: 15 minutes)
SCAN_EVERY_S = 60.0
RUN_LOG_BYTES = 400  # the scan's one summary line per run (ScheduledTask)
_MIX = (("complaint", -0.6), ("support_request", -0.3), ("question", 0.0), ("praise", 0.7), ("idea", 0.2))
_TEXT = "@acme " + "the order page keeps timing out when I try to pay, tried three cards already. " * 11


def _stream(count: int, per_second: float, start: float) -> list[Any]:
    from talkworthy.catalog import EventMeta
    from tests.unit.usecases.mention_builders import enriched

    out = []
    for n in range(count):
        intent, sentiment = _MIX[n % len(_MIX)]
        at = datetime.fromtimestamp(start + n / per_second, UTC)
        base = enriched(intent=intent, tier="standard", sentiment=sentiment, key=f"bench:{n}")
        meta = EventMeta(event_key=f"bench:{n}", correlation_id=f"c{n}", producer="talkworthy.enrich", occurred_at=at)
        mention = base.mention.model_copy(update={"text": _TEXT})
        out.append(base.model_copy(update={"meta": meta, "mention": mention}))
    return out


class _BilledJournal:
    """The journal as the scan reads it, its range queries billed on the full items they read."""

    def __init__(self, journal: Any, sizes: dict[str, list[tuple[str, int]]], meter: Meter) -> None:
        self.journal, self.sizes, self.meter = journal, sizes, meter
        self.rcu = 0.0

    def counts(self, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
        from talkworthy import keys
        from talkworthy.routing.journal import days_between, sort_time

        before = self.meter.snapshot()
        found = self.journal.counts(start, end)
        self.meter.usage.rcu = before.rcu  # the meter saw the projected items; billed below on the full ones
        low, high = sort_time(start), sort_time(end)
        for day in days_between(start, end - timedelta(microseconds=1)):
            for pk, rows in self.sizes.items():
                if pk.startswith(f"{keys.ROUTED}{day}#"):
                    read = sum(size for sk, size in rows if low <= sk <= high)
                    self.rcu += max(1, math.ceil(read / 4096)) / 2
        return found

    def newest(self, now: datetime) -> datetime | None:
        result: datetime | None = self.journal.newest(now)  # one item per shard: billed as metered
        return result


def _usage(name: str, per_second: float, count: int) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from infra.local.provision import provision
    from talkworthy.community.counters import DynamoDbSurgeStore
    from talkworthy.routing.decision import Decision
    from talkworthy.routing.journal import DynamoDbRoutingJournal, RoutedMention, split_sort_key
    from talkworthy.usecases.surges import SurgeSettings, evaluate_due

    settings = SurgeSettings()
    start = (time.time() - count / per_second - 3600) // settings.bucket_seconds * settings.bucket_seconds
    mentions = _stream(count, per_second, start)
    decision = Decision(rule="default", action="notify", explanation="default rule")
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        stack = provision(
            session,
            stack_name="bench",
            parameters={"WebhookSecretsJson": "{}", "SlackBotToken": "x", "ActionLinkKey": "k" * 32},
        )
        table = session.resource("dynamodb").Table(stack.attr("MeshTable"))
        journal = DynamoDbRoutingJournal(table)
        for mention in mentions:  # routing's own writes: not counted, only their growth
            journal.put(RoutedMention(routed_at=mention.meta.occurred_at, mention=mention, decision=decision))
        sizes: dict[str, list[tuple[str, int]]] = {}
        growth = 0.0
        for item in _scan(table):
            sizes.setdefault(str(item["pk"]), []).append((str(item["sk"]), item_size(item)))
            _, event_key = split_sort_key(str(item["sk"]))
            bare = {**{k: v for k, v in item.items() if k not in ("topic", "sentiment")}, "sk": event_key}
            growth += (item_size(item) - item_size(bare)) / 1024  # expected WCU: sizes spread over a KB
        store, meter = DynamoDbSurgeStore(table), Meter()
        billed = _BilledJournal(journal, sizes, meter)
        end = start + count / per_second + settings.grace_seconds + 2 * settings.bucket_seconds
        runs, events = 0, 0
        with meter.watching():
            cpu = time.process_time()
            now = start + SCAN_EVERY_S
            while now <= end:
                events += len(evaluate_due(store, billed, settings, datetime.fromtimestamp(now, UTC)))
                runs += 1
                now += SCAN_EVERY_S
            cpu = time.process_time() - cpu
    usage = meter.usage
    sized = [size for rows in sizes.values() for _, size in rows]
    return {
        "runs": runs,
        "buckets": math.ceil((end - start) / settings.bucket_seconds),
        "journal_item_bytes": round(sum(sized) / len(sized)),
        "journal_growth_wcu": growth,
        "wcu": usage.wcu,
        "rcu": usage.rcu + billed.rcu,
        "journal_rcu": billed.rcu,
        "aws_calls": usage.aws_calls,
        "events": usage.events or events,
        "cpu_seconds": cpu,
    }


def _scan(table: Any) -> list[dict[str, Any]]:
    from talkworthy.dynamo import call

    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"FilterExpression": "begins_with(pk, :p)", "ExpressionAttributeValues": {":p": "ROUTED#"}}
    while True:
        page = call(table.scan, **kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _cost(measured: dict[str, Any], count: int, per_second: float) -> dict[str, float]:
    per = 1e6 / count
    runs = 1e6 / per_second / SCAN_EVERY_S  # scan runs while a million mentions arrive at this rate
    seconds_per_run = (measured["cpu_seconds"] + AWS_CALL_SECONDS * measured["aws_calls"]) / measured["runs"]
    return {
        "dynamodb_journal_growth": round(measured["journal_growth_wcu"] * PRICE["dynamodb_per_wcu"] * per, 3),
        "dynamodb_journal_reads": round(measured["journal_rcu"] * PRICE["dynamodb_per_rcu"] * per, 3),
        "dynamodb_scan": round(
            (
                measured["wcu"] * PRICE["dynamodb_per_wcu"]
                + (measured["rcu"] - measured["journal_rcu"]) * PRICE["dynamodb_per_rcu"]
            )
            * per,
            3,
        ),
        "lambda_requests": round(runs * PRICE["lambda_per_request"], 3),
        "lambda_compute": round(runs * seconds_per_run * MEMORY_GB * PRICE["lambda_per_gb_second_arm64"], 3),
        "eventbridge": round(measured["events"] * PRICE["eventbridge_per_event"] * per, 3),
        "logs": round(runs * (PLATFORM_LOG_BYTES + RUN_LOG_BYTES) / 1024**3 * PRICE["logs_per_gb"], 4),
        "sqs": 0.0,  # the community queue no longer carries mentions
    }


def surge_costs() -> dict[str, Any]:
    figures: dict[str, Any] = {"surge_cost_allowance_usd": ALLOWANCE_USD}
    for name, rate in RATES.items():
        count = COUNTS[name]
        measured = _usage(name, rate, count)
        cost = _cost(measured, count, rate)
        figures[f"surge_cost_per_1m_mentions_usd_{name}"] = cost
        figures[f"surge_cost_per_1m_mentions_usd_{name}_total"] = round(sum(cost.values()), 2)
        figures[f"surge_per_mention_{name}"] = {
            "scan_runs_per_1m": round(1e6 / rate / SCAN_EVERY_S),
            "journal_item_bytes": measured["journal_item_bytes"],
            "journal_growth_wcu": round(measured["journal_growth_wcu"] / count, 4),
            "dynamodb_wcu": round(measured["wcu"] / count, 4),
            "dynamodb_rcu": round(measured["rcu"] / count, 4),
            "aws_calls": round(measured["aws_calls"] / count, 4),
            "cpu_us": round(measured["cpu_seconds"] * 1e6 / count, 1),
        }
    return figures
