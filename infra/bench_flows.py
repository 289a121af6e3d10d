"""Per-delivery and per-mention figures for `make bench` (see bench.py for how they are reported).

- ingress: verify + adapt + archive + publish for one signed delivery, against the embedded AWS
  and with I/O faked (CPU only), as ratios to ``json.loads`` of the same body;
- mention: warm CPU of the enrich and route handlers with I/O faked, as ratios to ``json.loads``
  of the payload and to the sentiment pass alone; and a modelled AWS cost per 1 M mentions built
  from measured durations and from the AWS calls counted while the demo mentions run.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from infra.cost_model import Meter, Usage, topology_floor, usage_cost
from infra.local.template import REPO_ROOT

__all__ = ["ingress_costs", "mention_costs"]

PerCall = Callable[[Callable[[], object]], float]
DEV = json.loads((REPO_ROOT / "infra" / "local" / "dev-secrets.json").read_text())["webhooks"]


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
    def for_sender(self, sender: str, *, refresh: bool = False) -> dict[str, list[str]]:
        return DEV.get(sender, {})


def ingress_costs(per_call: PerCall) -> dict[str, Any]:
    from chalicelib.ingress import HttpRequest, Ingress
    from chalicelib.senders import SENDERS
    from chalicelib.wiring import FirehoseRawArchive, IdempotentPublisher
    from infra.samples import signed_request
    from talkworthy.publishing import EventBridgePublisher

    sample = _sample("mention_created_complaint")
    _path, headers, body = signed_request(sample, DEV, "", time.time())
    request = HttpRequest(
        "POST", "standard", {k.lower(): v for k, v in headers.items()}, body, "bench", "", {"source": "standard"}
    )
    faked = Ingress(
        SENDERS,
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

    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig
    from infra.samples import signed_request

    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None, handler_log=HANDLER_LOG)) as mesh:
        signed = [
            signed_request(sample, DEV, "", time.time(), delivery_id=f"msg_bench{i:05d}") for i in range(deliveries)
        ]
        with requests.Session() as http:
            http.post(f"{mesh.ingress_url}{signed[0][0]}", data=signed[0][2], headers=signed[0][1], timeout=10)
            started = time.perf_counter()
            for path, headers, body in signed[1:]:
                assert http.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10).status_code == 202
            return (time.perf_counter() - started) / (deliveries - 1)


INTERLEAVED = 3


def mention_costs(per_call: PerCall) -> dict[str, Any]:
    from infra.local.runtime import LambdaContext
    from talkworthy.catalog import MentionReceived
    from talkworthy.consumer import SqsConsumer
    from talkworthy.contexts.mentions import HANDLERS, MentionsPorts
    from talkworthy.crm import InMemoryCrm
    from talkworthy.enrichment import VaderSentimentAnalyzer
    from talkworthy.enrichment.first import InMemoryFirstEnrichments
    from talkworthy.enrichment.intent_classifier import CuesIntentClassifier, LearnedIntentClassifier
    from talkworthy.enrichment.intent_model_source import PackagedIntentModel
    from talkworthy.identity import InMemoryIdentityGraph, InMemoryThreadStore
    from talkworthy.publishing import InMemoryPublisher
    from talkworthy.routing import PackagedRules
    from talkworthy.routing.journal import InMemoryRoutingJournal
    from talkworthy.settings import MentionsSettings, use_environment
    from talkworthy.subjects import InMemorySubjects

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
    received = MentionReceived.model_validate(sample["detail"])
    sentiment.analyze(received.mention.text)

    learned, cues = LearnedIntentClassifier(PackagedIntentModel()), CuesIntentClassifier()

    def faked_ports(config: MentionsSettings, intent: Any) -> MentionsPorts:
        ports = MentionsPorts(config)
        vars(ports).update(
            sentiment=sentiment,
            intent=intent,
            identities=graph,
            threads=threads,
            crm=crm,
            journal=InMemoryRoutingJournal(),
            first_enrichments=InMemoryFirstEnrichments(),
            rules=PackagedRules(),
            subjects=InMemorySubjects(),
        )
        return ports

    published = InMemoryPublisher()
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Talkworthy")  # the template's Globals
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # no EMF lines between the figures
    consumers = {  # the learned classifier is the production default
        name: SqsConsumer(
            "mentions",
            HANDLERS,
            MentionsSettings,
            functools.partial(faked_ports, intent=intent),
            publisher=lambda _: published,
            sqs=lambda: None,
        )
        for name, intent in (("learned", learned), ("cues", cues))
    }
    environment = {"EVENT_BUS_NAME": "bench", "MESH_TABLE": "bench", "DLQ_URL": "bench"}
    context = LambdaContext("bench-mentions", 256, "arn:aws:lambda:us-east-1:123456789012:function:bench", 60)

    def handle(envelope: str, classifier: str = "learned") -> None:
        """The consumer's whole path for one record: parse, map, use case, serialise (publish faked)."""
        record = {"messageId": "1", "receiptHandle": "r", "body": envelope, "attributes": {}}
        with use_environment(environment):
            answer = consumers[classifier]({"Records": [record]}, context)
        assert not answer["batchItemFailures"], answer

    handle(body)
    enriched_body = body.replace('"Mention.Received"', '"Mention.Enriched"', 1)
    enriched_body = enriched_body.replace(json.dumps(sample["detail"]), published.published[-1].model_dump_json(), 1)

    def enrich(classifier: str = "learned") -> None:
        handle(body, classifier)

    def route() -> None:
        handle(enriched_body)

    loads = per_call(lambda: json.loads(body))
    sentiment_only = per_call(lambda: sentiment.analyze(received.mention.text))
    route_s = per_call(route)
    # learned and cues alternate, so a shared machine's load changes hit both sides of the ratio alike
    pairs = [(per_call(enrich), per_call(lambda: enrich("cues"))) for _ in range(INTERLEAVED)]
    enrich_s = statistics.median(learned_s for learned_s, _ in pairs)
    enrich_cues_s = statistics.median(cues_s for _, cues_s in pairs)
    learned_ratio = statistics.median(learned_s / cues_s for learned_s, cues_s in pairs)
    figures: dict[str, Any] = {
        "payload_bytes": len(body),
        "json_loads_us": round(loads * 1e6, 2),
        "sentiment_only_us": round(sentiment_only * 1e6, 1),
        "enrich_cpu_us": round(enrich_s * 1e6, 1),
        "enrich_ratio_to_json_loads": round(enrich_s / loads, 1),
        "enrich_ratio_to_sentiment": round(enrich_s / sentiment_only, 2),
        "enrich_cpu_us_cues": round(enrich_cues_s * 1e6, 1),
        "enrich_learned_ratio_to_cues": round(learned_ratio, 2),
        "route_cpu_us": round(route_s * 1e6, 1),
        "route_ratio_to_json_loads": round(route_s / loads, 1),
        "route_ratio_to_sentiment": round(route_s / sentiment_only, 2),
    }
    figures.update(_cost_model(enrich_s + route_s))
    return figures


def _returning(sample: Any) -> Any:
    """The same author again: a new post of theirs (new id and URL) in a new delivery."""
    body = json.loads(sample.body)
    data = body["data"]
    data["post_id"] = f"{data['post_id']}-again"
    if data.get("url"):
        data["url"] = f"{data['url']}-again"
    return dataclasses.replace(sample, name=f"{sample.name} (returning)", body=json.dumps(body).encode())


def _scenario_usage() -> dict[str, dict[str, Usage]]:
    """Each demo mention through the local mesh, alone, first from a new author then from the same
    author again: the billable usage of each, from the AWS calls the mesh really made."""
    from infra.demo import SCENARIOS, seed, send_sample
    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig
    from infra.samples import load_webhook_samples

    mentions = [
        s
        for s in load_webhook_samples() + load_webhook_samples(REPO_ROOT / "events" / "demo" / "webhooks")
        if s.source == "standard" and s.name.startswith(("mention", "prospect", "idea", "praise", "sales"))
    ]
    usage: dict[str, dict[str, Usage]] = {}
    meter = Meter()
    # INFO: the deployed default (LogLevel), so the log volume counted is what CloudWatch would bill
    config = MeshConfig(ingress_port=0, trace_stream=None, log_level="INFO", handler_log=HANDLER_LOG)
    with LocalMesh(config) as mesh:
        seed(mesh, SCENARIOS)
        mesh.wait_idle()
        with meter.watching():
            for sample in mentions:
                for visit, delivery in (("first", sample), ("returning", _returning(sample))):
                    before = meter.snapshot()
                    delivered, slack = sum(mesh.trace.events.values()), len(mesh.sink.messages())
                    slack_limited = mesh.sink.rate_limited_count
                    assert send_sample(mesh.ingress_url, delivery, mesh.secrets["webhooks"]).status_code == 202
                    mesh.wait_idle(timeout=120)
                    meter.usage.api_requests += 1
                    meter.usage.ingress_invocations += 1
                    meter.usage.consumer_deliveries += sum(mesh.trace.events.values()) - delivered
                    meter.usage.slack_calls += (
                        len(mesh.sink.messages()) - slack + mesh.sink.rate_limited_count - slack_limited
                    )
                    usage.setdefault(sample.name, {})[visit] = meter.snapshot() - before
    return usage


def _per_million(usd_per_mention: float) -> float:
    return round(usd_per_mention * 1e6, 2)


def _cost_model(cpu_seconds: float) -> dict[str, Any]:
    """Cost per 1 M mentions: each demo scenario, first contact and returning author, their mean
    (the demo's mix: five of six mentions need a person), and the topology's own floor."""
    by_scenario = _scenario_usage()
    scenarios = {
        name: {visit: _per_million(sum(usage_cost(u, cpu_seconds).values())) for visit, u in visits.items()}
        for name, visits in by_scenario.items()
    }
    figures: dict[str, Any] = {"cost_per_1m_usd_by_scenario": scenarios}
    for visit in ("first", "returning"):
        runs = [visits[visit] for visits in by_scenario.values()]
        mean = sum(runs, Usage()).per(len(runs))
        cost = usage_cost(mean, cpu_seconds)
        figures[f"per_mention_{visit}"] = {
            "events_published": round(mean.events, 2),
            "consumer_deliveries": round(mean.consumer_deliveries, 2),
            "dynamodb_wcu": round(mean.wcu, 2),
            "dynamodb_rcu": round(mean.rcu, 2),
            "aws_calls": round(mean.aws_calls, 2),
            "slack_calls": round(mean.slack_calls, 2),
            "log_bytes": round(mean.log_bytes),
        }
        figures[f"cost_per_1m_usd_{visit}"] = {name: _per_million(v) for name, v in cost.items()}
        figures[f"cost_per_1m_usd_{visit}_total"] = _per_million(sum(cost.values()))
    floor = topology_floor()
    figures["cost_per_1m_usd_topology_floor"] = {name: _per_million(v) for name, v in floor.items()}
    figures["cost_per_1m_usd_topology_floor_total"] = _per_million(sum(floor.values()))
    figures["cost_goal_usd"] = 5.0
    return figures
