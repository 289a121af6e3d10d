"""`make bench`, section ``customers``: the scan's reads per customer due, the baseline update's CPU
per event, the evaluation against the 30-day rule, and the modelled cost per 1 M behaviour events.

The scan and the behaviour events run through the real DynamoDB adapters against moto (tables from
template.yaml), metered by :class:`infra.cost_model.Meter`.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.cost_model import Meter, Usage, usage_cost

__all__ = ["customers_costs"]

SCAN_CUSTOMERS = 100_000
SCAN_DUE = 1_000
BEHAVIOUR_EVENTS = 300


def _order(customer: str, n: int, at: int, amount: float) -> Any:
    from talkworthy.catalog import BehaviorObserved, EventMeta

    when = datetime.fromtimestamp(at, UTC)
    return BehaviorObserved(
        meta=EventMeta(
            event_key=f"shop:{customer}:{n}",
            correlation_id="b",
            producer="talkworthy.ingress.standard",
            occurred_at=when,
        ),
        customer_id=customer,
        email=f"{customer}@example.com",
        kind="order",
        amount=amount,
        at=when,
        source_system="shop",
    )


def _history(customer: str, orders: int, start: int, rng: random.Random) -> Any:
    from talkworthy.customers.baseline import DAY, Baseline, Signal, short_key
    from talkworthy.customers.record import CustomerRecord

    baseline, at = Baseline(customer, email=f"{customer}@example.com"), start
    for n in range(orders):
        baseline.apply(Signal(at, short_key(f"{customer}:{n}"), "order", round(rng.uniform(20, 400), 2)))
        at += int(rng.uniform(8, 20) * DAY)
    return CustomerRecord(baseline)


def _scan_reads(session: Any, table: Any) -> dict[str, Any]:
    """100 k customers on the table, 1 k of them due: what one scan reads."""
    from talkworthy import keys
    from talkworthy.customers.calibration import calibration
    from talkworthy.customers.record import encode
    from talkworthy.customers.store import DynamoDbBaselineStore, iso
    from talkworthy.publishing import InMemoryPublisher
    from talkworthy.usecases.deviation_scan import scan

    rng, now = random.Random(7), int(time.time())
    with table.batch_writer() as batch:
        for n in range(SCAN_CUSTOMERS):
            record = _history(f"c-{n:06d}", rng.randint(2, 24), now - 400 * 86400, rng)
            due = n < SCAN_DUE
            record.next_check = now - 3600 if due else now + rng.randint(1, 60) * 86400
            batch.put_item(
                Item={
                    **keys.customer(record.customer_id),
                    "state": encode(record),
                    "version": 1,
                    "gsi1pk": keys.due_gsi(record.customer_id),
                    "gsi1sk": f"{iso(record.next_check)}#{record.customer_id}",
                }
            )
    meter, scanned = Meter(), [0]
    client = table.meta.client
    client.meta.events.register(
        "after-call.dynamodb.Query",
        lambda parsed, **_: scanned.__setitem__(0, scanned[0] + parsed.get("ScannedCount", 0)),
    )
    store = DynamoDbBaselineStore(table)
    with meter.watching():
        result = scan(store, InMemoryPublisher(), calibration(), now, "bench")
    usage = meter.usage
    return {
        "customers": SCAN_CUSTOMERS,
        "due": result.due,
        "items_read_per_customer_due": round(scanned[0] / max(result.due, 1), 3),
        "rcu_per_customer_due": round(usage.rcu / max(result.due, 1), 3),
        "queries": usage.calls.get("dynamodb:Query", 0),
        "goal_items_read_per_due": 2.0,
        "deviations": result.deviations,
    }


def _behaviour_usage(table: Any) -> Usage:
    from talkworthy.customers.calibration import calibration
    from talkworthy.customers.store import DynamoDbBaselineStore
    from talkworthy.usecases.baselines import observe

    store, rng, start = DynamoDbBaselineStore(table), random.Random(3), int(time.time()) - 300 * 86400
    events = [
        _order(f"b-{n % 30}", n // 30, start + (n // 30) * 12 * 86400, rng.uniform(20, 400))
        for n in range(BEHAVIOUR_EVENTS)
    ]
    meter = Meter()
    with meter.watching():
        for event in events:
            observe(event, store, int(event.at.timestamp()), calibration())
    usage = meter.usage.per(len(events))
    usage.events += 1  # Behavior.Observed on the bus
    usage.consumer_deliveries += 1  # through the customers queue
    return usage


def _update_cpu(per_call_seconds: Callable[[Callable[[], object]], float]) -> dict[str, float]:
    from talkworthy.customers.baseline import DAY, Signal, short_key
    from talkworthy.customers.calibration import calibration
    from talkworthy.customers.record import decode, encode
    from talkworthy.usecases.baselines import schedule

    cal, rng = calibration(), random.Random(5)
    record = _history("cpu", 40, 0, rng)
    text, counter = encode(record), [0]

    def update() -> None:  # decode the stored record, add one order, reschedule, encode
        counter[0] += 1
        found = decode(text, 1)
        signal = Signal(400 * DAY + counter[0], short_key(str(counter[0])), "order", 99.0)
        found.baseline.apply(signal)
        found.next_check = schedule(found, signal.at, cal)
        encode(found)

    seconds = per_call_seconds(update)
    return {"baseline_update_cpu_us": round(seconds * 1e6, 1)}


def _evaluation() -> dict[str, Any]:
    from infra.customers.evaluate import evaluate
    from infra.customers.population import PopulationParams, generate
    from talkworthy.customers.calibration import calibration

    params = PopulationParams()
    started = time.perf_counter()
    table = evaluate(generate(params), calibration(), params)
    table["seconds"] = round(time.perf_counter() - started, 1)
    return table


def customers_costs(per_call_seconds: Callable[[Callable[[], object]], float]) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from infra.local.provision import provision

    figures: dict[str, Any] = _update_cpu(per_call_seconds)
    saved = {
        name: os.environ.get(name)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")
    }
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")  # noqa: S106 - moto
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            session = boto3.Session(region_name="us-east-1")
            stack = provision(
                session,
                stack_name="bench",
                parameters={"WebhookSecretsJson": "{}", "SlackBotToken": "x", "ActionLinkKey": "k" * 32},
            )
            table = session.resource("dynamodb").Table(stack.attr("MeshTable"))
            usage = _behaviour_usage(table)
            figures["scan"] = _scan_reads(session, table)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    cost = usage_cost(usage, figures["baseline_update_cpu_us"] / 1e6)
    figures["per_behaviour_event"] = {
        "dynamodb_wcu": round(usage.wcu, 2),
        "dynamodb_rcu": round(usage.rcu, 2),
        "aws_calls": round(usage.aws_calls, 2),
    }
    figures["cost_per_1m_behaviour_events_usd"] = {name: round(v * 1e6, 2) for name, v in cost.items()}
    figures["cost_per_1m_behaviour_events_usd_total"] = round(sum(cost.values()) * 1e6, 2)
    figures["evaluation"] = _evaluation()
    return figures
