"""Per-delivery and per-mention figures for `make bench` (see bench.py for how they are reported).

- ingress: verify + adapt + archive + publish for one signed delivery, against the embedded AWS
  and with I/O faked (CPU only), as ratios to ``json.loads`` of the same body;
- mention: warm CPU of the enrich and route handlers with I/O faked, as ratios to ``json.loads``
  of the payload and to the sentiment pass alone; and a modelled AWS cost per 1 M mentions built
  from measured durations and from the AWS calls counted while the demo mentions run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from infra.local.template import REPO_ROOT

__all__ = ["ingress_costs", "mention_costs"]

PerCall = Callable[[Callable[[], object]], float]
DEV = json.loads((REPO_ROOT / "infra" / "local" / "dev-secrets.json").read_text())["webhooks"]

# us-east-1 list prices (PERFORMANCE.md); HTTP API, the ingress's API Gateway.
PRICE = {
    "api_http_per_request": 1.00e-6,
    "eventbridge_per_event": 1.00e-6,
    "sqs_per_request": 0.40e-6,
    "lambda_per_request": 0.20e-6,
    "lambda_per_gb_second_arm64": 0.0000133334,
    "ddb_per_write": 0.625e-6,
    "ddb_per_read": 0.125e-6,
    "s3_per_put": 5.0e-6,
}
MEMORY_GB = 0.25


def _sample(name: str) -> Any:
    from infra.samples import load_webhook_samples

    return next(s for s in load_webhook_samples() if s.name == name)


class _NullEvents:
    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "x"} for _ in Entries]}


class _NullFirehose:
    def put_record(self, **_: Any) -> dict[str, Any]:
        return {"RecordId": "bench"}


class _AlwaysRun:
    def run(
        self, key: str, effect: Callable[[], dict[str, Any]], lambda_context: Any = None
    ) -> tuple[dict[str, Any], bool]:
        return effect(), True


class _DevSecrets:
    def for_source(self, source: str, *, refresh: bool = False) -> dict[str, list[str]]:
        return DEV.get(source, {})


def ingress_costs(per_call: PerCall) -> dict[str, Any]:
    from chalicelib.ingress import HttpRequest, Ingress
    from chalicelib.sources import SOURCES
    from chalicelib.wiring import FirehoseRawArchive, IdempotentPublisher
    from infra.samples import signed_request
    from talkworthy.publishing import EventBridgePublisher

    sample = _sample("mention_created_complaint")
    _path, headers, body = signed_request(sample, DEV, "", time.time())
    request = HttpRequest(
        "POST", "standard", {k.lower(): v for k, v in headers.items()}, body, "bench", "", {"source": "standard"}
    )
    faked = Ingress(
        SOURCES,
        _DevSecrets(),
        FirehoseRawArchive(_NullFirehose(), "bench"),
        IdempotentPublisher(EventBridgePublisher(_NullEvents(), "bench"), _AlwaysRun()),  # type: ignore[arg-type]
        clock=time.time,
        count=lambda *_: None,
    )
    assert faked.handle(request).status == 202
    loads = per_call(lambda: json.loads(body))
    cpu = per_call(lambda: faked.handle(request))
    embedded = _ingress_against_embedded_aws(sample)
    return {
        "body_bytes": len(body),
        "json_loads_us": round(loads * 1e6, 2),
        "cpu_io_faked_us": round(cpu * 1e6, 1),
        "cpu_io_faked_ratio_to_json_loads": round(cpu / loads, 1),
        "embedded_aws_ms": round(embedded * 1000, 2),
        "embedded_aws_ratio_to_json_loads": round(embedded / loads),
    }


def _ingress_against_embedded_aws(sample: Any, deliveries: int = 100) -> float:
    """Wall time per delivery through the real adapters against moto server (unique deliveries)."""
    import requests

    from infra.local.mesh import LocalMesh, MeshConfig
    from infra.samples import signed_request

    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None)) as mesh:
        signed = [
            signed_request(sample, DEV, "", time.time(), delivery_id=f"msg_bench{i:05d}") for i in range(deliveries)
        ]
        with requests.Session() as http:
            http.post(f"{mesh.ingress_url}{signed[0][0]}", data=signed[0][2], headers=signed[0][1], timeout=10)
            started = time.perf_counter()
            for path, headers, body in signed[1:]:
                assert http.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10).status_code == 202
            return (time.perf_counter() - started) / (deliveries - 1)


def mention_costs(per_call: PerCall) -> dict[str, Any]:
    from talkworthy.catalog import MentionEnriched, MentionReceived
    from talkworthy.consumer import read_detail
    from talkworthy.crm import InMemoryCrm
    from talkworthy.enrichment import VaderSentimentAnalyzer
    from talkworthy.identity import InMemoryIdentityGraph, InMemoryThreadStore
    from talkworthy.routing import PackagedRules
    from talkworthy.usecases.enrich import enrich_mention
    from talkworthy.usecases.route import route_mention

    sample = json.loads((REPO_ROOT / "events" / "details" / "Mention.Received.json").read_text())
    body = json.dumps(
        {
            "version": "0",
            "id": "1",
            "detail-type": "Mention.Received",
            "source": sample["source"],
            "account": "123456789012",
            "time": "2026-11-20T09:30:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": sample["detail"],
        }
    )
    sentiment, graph, threads, crm = (
        VaderSentimentAnalyzer(),
        InMemoryIdentityGraph(),
        InMemoryThreadStore(),
        InMemoryCrm(),
    )
    rules = PackagedRules().current()
    received = MentionReceived.model_validate(sample["detail"])
    sentiment.analyze(received.mention.text)

    def enrich() -> str:
        _, event = read_detail(body, MentionReceived)
        return enrich_mention(
            event, sentiment=sentiment, identities=graph, threads=threads, crm_lookup=crm.find_contact_by_email
        ).model_dump_json()

    enriched_body = body.replace('"Mention.Received"', '"Mention.Enriched"', 1)
    enriched_body = enriched_body.replace(json.dumps(sample["detail"]), enrich(), 1)
    now = datetime.now(UTC)

    def route() -> list[str]:
        _, event = read_detail(enriched_body, MentionEnriched)
        _, out = route_mention(event, rules=rules, crm=crm, identities=graph, now=now)
        return [detail.model_dump_json() for detail in out]

    loads = per_call(lambda: json.loads(body))
    sentiment_only = per_call(lambda: sentiment.analyze(received.mention.text))
    enrich_s, route_s = per_call(enrich), per_call(route)
    figures: dict[str, Any] = {
        "payload_bytes": len(body),
        "json_loads_us": round(loads * 1e6, 2),
        "sentiment_only_us": round(sentiment_only * 1e6, 1),
        "enrich_cpu_us": round(enrich_s * 1e6, 1),
        "enrich_ratio_to_json_loads": round(enrich_s / loads, 1),
        "enrich_ratio_to_sentiment": round(enrich_s / sentiment_only, 2),
        "route_cpu_us": round(route_s * 1e6, 1),
        "route_ratio_to_json_loads": round(route_s / loads, 1),
        "route_ratio_to_sentiment": round(route_s / sentiment_only, 2),
    }
    figures.update(_cost_model(enrich_s + route_s))
    return figures


def _count_aws_calls() -> tuple[Counter[str], int, Counter[str]]:
    """Run the demo's mentions through the local mesh, counting every AWS API call by operation."""
    import botocore.client

    from infra.demo import SCENARIOS, seed, send_sample
    from infra.local.mesh import LocalMesh, MeshConfig
    from infra.samples import load_webhook_samples

    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        calls[f"{self.meta.service_model.service_name}:{operation}"] += 1
        if operation == "PutEvents":
            calls["events:entries"] += len(params.get("Entries", []))
        return original(self, operation, params)

    mentions = [
        s
        for s in load_webhook_samples() + load_webhook_samples(REPO_ROOT / "events" / "demo" / "webhooks")
        if s.source == "standard" and s.name.startswith(("mention", "prospect", "idea", "praise", "sales"))
    ]
    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None)) as mesh:
        seed(mesh, SCENARIOS)
        mesh.wait_idle()
        botocore.client.BaseClient._make_api_call = counting
        try:
            for sample in mentions:
                send_sample(mesh.ingress_url, sample, mesh.secrets["webhooks"])
            mesh.wait_idle(timeout=120)
        finally:
            botocore.client.BaseClient._make_api_call = original
        consumed = Counter({k: v for k, v in mesh.trace.events.items()})
    return calls, len(mentions), consumed


_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
_READS = {"GetItem", "Query", "BatchGetItem", "TransactGetItems"}
# Local-only calls the mesh itself makes (polling, observer), not what Lambda would bill.
_RUNTIME_ONLY = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessageBatch",
    "sqs:GetQueueAttributes",
    "sqs:CreateQueue",
    "scheduler:ListSchedules",
    "scheduler:GetSchedule",
}


def _cost_model(cpu_seconds_enrich_route: float) -> dict[str, Any]:
    calls, mentions, consumed = _count_aws_calls()
    per = {key: value / mentions for key, value in calls.items()}
    ddb_writes = sum(v for k, v in per.items() if k.split(":")[0] == "dynamodb" and k.split(":")[1] in _WRITES)
    ddb_reads = sum(v for k, v in per.items() if k.split(":")[0] == "dynamodb" and k.split(":")[1] in _READS)
    events = per.get("events:entries", 0.0)
    deliveries = sum(consumed.values()) / mentions  # events that reached a consumer queue
    invocations = 1 + deliveries / 5  # ingress + consumers at an average SQS batch of 5
    io_calls = sum(v for k, v in per.items() if k not in _RUNTIME_ONLY and not k.startswith("events:entries"))
    # handler time: measured CPU plus 10 ms per AWS call (in-region latency), ingress's own ~30 ms
    seconds = cpu_seconds_enrich_route + 0.010 * io_calls + 0.030
    cost = {
        "api_gateway": PRICE["api_http_per_request"],
        "eventbridge": events * PRICE["eventbridge_per_event"],
        "sqs": deliveries * (1 + 2 / 5) * PRICE["sqs_per_request"],
        "lambda_requests": invocations * PRICE["lambda_per_request"],
        "lambda_compute": seconds * MEMORY_GB * PRICE["lambda_per_gb_second_arm64"],
        "dynamodb": ddb_writes * PRICE["ddb_per_write"] + ddb_reads * PRICE["ddb_per_read"],
        "s3_archive": per.get("s3:PutObject", 0.0) * PRICE["s3_per_put"],
    }
    return {
        "mentions_measured": mentions,
        "per_mention_events_published": round(events, 2),
        "per_mention_consumer_deliveries": round(deliveries, 2),
        "per_mention_dynamodb_writes": round(ddb_writes, 2),
        "per_mention_dynamodb_reads": round(ddb_reads, 2),
        "per_mention_aws_calls": round(io_calls, 2),
        "per_mention_modelled_handler_seconds": round(seconds, 4),
        **{f"cost_per_1m_usd_{name}": round(value * 1e6, 2) for name, value in cost.items()},
        "cost_per_1m_usd_total": round(sum(cost.values()) * 1e6, 2),
        "cost_goal_usd": 5.0,
    }
