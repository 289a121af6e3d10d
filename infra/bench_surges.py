"""What surge detection adds per 1 M mentions (``make bench``, section ``community``).

The community context's counting runs on the mesh table provisioned from template.yaml (moto,
in-process) for a synthetic stream of mentions (a mix of intents and sentiments), in batches as
the event source mapping gathers them: up to ``BatchSize`` (100) within the batching window
(30 s). Every AWS call is metered as billed (``infra/cost_model.py``: DynamoDB capacity units
from the items' sizes, ``PutEvents`` entries); the rest is priced per delivery: the rule's
``SendMessage`` per mention, one receive and one batch delete per 10 messages, one Lambda
request per batch and its duration (CPU measured plus ``AWS_CALL_SECONDS`` per call), Lambda's
own log lines per invocation. Two rates: about a million mentions a month (0.4 a second) and a
crisis (500 a minute). Folding notifications into a digest is not counted: it replaces a post
and its stored message with a fold of about the same writes.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from infra.cost_model import AWS_CALL_SECONDS, MEMORY_GB, PLATFORM_LOG_BYTES, PRICE, Meter

__all__ = ["ALLOWANCE_USD", "RATES", "surge_costs"]

ALLOWANCE_USD = 0.50  # what surge detection may add to the mention path, per 1 M mentions
RATES = {"monthly_1m": 1e6 / (30 * 86400), "crisis_500_per_min": 500 / 60}
BATCH_SIZE, WINDOW_S, RECEIVE_MAX = 100, 30.0, 10
_MIX = (("complaint", -0.6), ("support_request", -0.3), ("question", 0.0), ("praise", 0.7), ("idea", 0.2))


def _stream(count: int, per_second: float, start: float) -> list[Any]:
    from talkworthy.catalog import EventMeta
    from tests.unit.usecases.mention_builders import enriched

    out = []
    for n in range(count):
        intent, sentiment = _MIX[n % len(_MIX)]
        at = datetime.fromtimestamp(start + n / per_second, UTC)
        base = enriched(intent=intent, tier="standard", sentiment=sentiment, key=f"bench:{n}")
        meta = EventMeta(event_key=f"bench:{n}", correlation_id=f"c{n}", producer="talkworthy.enrich", occurred_at=at)
        out.append(base.model_copy(update={"meta": meta}))
    return out


def _usage(per_second: float, count: int) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from infra.local.provision import provision
    from talkworthy.community.counters import DynamoDbSurgeStore
    from talkworthy.usecases.surges import SurgeSettings, count_mention

    batch = max(1, min(BATCH_SIZE, math.floor(per_second * WINDOW_S)))
    mentions = _stream(count, per_second, start=time.time() - count / per_second)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        stack = provision(
            session,
            stack_name="bench",
            parameters={"WebhookSecretsJson": "{}", "SlackBotToken": "x", "ActionLinkKey": "k" * 32},
        )
        table = session.resource("dynamodb").Table(stack.attr("MeshTable"))
        store, settings, meter = DynamoDbSurgeStore(table), SurgeSettings(), Meter()
        events = 0
        with meter.watching():
            cpu = time.process_time()
            for first in range(0, count, batch):
                for mention in mentions[first : first + batch]:
                    events += len(count_mention(mention, store, settings))
                store.flush()
            cpu = time.process_time() - cpu
    usage = meter.usage
    return {
        "batch": batch,
        "invocations": math.ceil(count / batch),
        "wcu": usage.wcu,
        "rcu": usage.rcu,
        "aws_calls": usage.aws_calls,
        "events": usage.events or events,
        "cpu_seconds": cpu,
    }


def _cost(measured: dict[str, Any], count: int) -> dict[str, float]:
    per = 1e6 / count
    batch, invocations = measured["batch"], measured["invocations"]
    seconds = measured["cpu_seconds"] + AWS_CALL_SECONDS * measured["aws_calls"]
    return {
        "sqs": round((count + 2 * invocations * math.ceil(batch / RECEIVE_MAX)) * PRICE["sqs_per_request"] * per, 3),
        "lambda_requests": round(invocations * PRICE["lambda_per_request"] * per, 3),
        "lambda_compute": round(seconds * MEMORY_GB * PRICE["lambda_per_gb_second_arm64"] * per, 3),
        "dynamodb": round(
            (measured["wcu"] * PRICE["dynamodb_per_wcu"] + measured["rcu"] * PRICE["dynamodb_per_rcu"]) * per, 3
        ),
        "eventbridge": round(measured["events"] * PRICE["eventbridge_per_event"] * per, 3),
        "logs": round(invocations * PLATFORM_LOG_BYTES / 1024**3 * PRICE["logs_per_gb"] * per, 4),
    }


def surge_costs(count: int = 3000) -> dict[str, Any]:
    figures: dict[str, Any] = {"surge_cost_allowance_usd": ALLOWANCE_USD}
    for name, rate in RATES.items():
        measured = _usage(rate, count)
        cost = _cost(measured, count)
        figures[f"surge_cost_per_1m_mentions_usd_{name}"] = cost
        figures[f"surge_cost_per_1m_mentions_usd_{name}_total"] = round(sum(cost.values()), 2)
        figures[f"surge_per_mention_{name}"] = {
            "batch": measured["batch"],
            "dynamodb_wcu": round(measured["wcu"] / count, 4),
            "dynamodb_rcu": round(measured["rcu"] / count, 4),
            "aws_calls": round(measured["aws_calls"] / count, 4),
            "cpu_us": round(measured["cpu_seconds"] * 1e6 / count, 1),
        }
    return figures
