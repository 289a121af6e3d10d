"""Slack clicks for `make bench`: how fast the ingress acknowledges one, and what a million cost.

Against the local mesh: a complaint posts its message to #customer-care, then ``CLICKS`` clicks
on it are posted exactly as Slack would (the outbox signs them), each its own delivery, by a care
agent from the people directory. Each click's acknowledgement is timed at the client (signature
checked, the click recorded once, 200); the work behind the queue (the cases context performs
the claim, notify updates the message) is metered by the cost model until the mesh is idle.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from infra.cost_model import Meter, usage_cost

__all__ = ["action_costs"]

CLICKS = 200


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def action_costs() -> dict[str, Any]:
    from infra.demo import SCENARIOS, _samples, seed, send_sample
    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig
    from infra.local.outbox import button

    meter = Meter()
    config = MeshConfig(ingress_port=0, trace_stream=None, log_level="INFO", handler_log=HANDLER_LOG)
    with LocalMesh(config) as mesh:
        seed(mesh, SCENARIOS)
        assert send_sample(
            mesh.ingress_url, _samples()["standard/mention_created_complaint"], mesh.secrets["webhooks"]
        ).ok
        mesh.wait_idle(timeout=120)
        message = next(m for m in mesh.sink.messages() if m["channel"] == "#customer-care")
        data = button(message, "claim")
        assert data is not None, "the complaint's message offers Claim"
        outbox = mesh.sink.outbox
        assert outbox is not None
        acks: list[float] = []
        with meter.watching():
            before, cpu_before = meter.snapshot(), time.process_time()
            delivered = sum(mesh.trace.events.values())
            for _ in range(CLICKS):
                response_url = mesh.sink.response_url(message["channel"], message["ts"])
                started = time.perf_counter()
                answer = outbox.click(message, {**data, "user": "U0ALICE01"}, response_url)
                acks.append(time.perf_counter() - started)
                assert answer["status"] == 200, answer
            assert mesh.wait_idle(timeout=300)
            meter.usage.api_requests += CLICKS
            meter.usage.ingress_invocations += CLICKS
            meter.usage.consumer_deliveries += sum(mesh.trace.events.values()) - delivered
            usage = (meter.snapshot() - before).per(CLICKS)
            cpu = (time.process_time() - cpu_before) / CLICKS  # the mesh process: ingress and handlers
    cost = usage_cost(usage, cpu)
    return {
        "clicks": CLICKS,
        "slack_ack_ms_p50": round(statistics.median(acks) * 1000, 1),
        "slack_ack_ms_p99": round(_percentile(acks, 0.99) * 1000, 1),
        "slack_ack_deadline_ms": 3000,
        "per_action": {
            "events_published": round(usage.events, 2),
            "consumer_deliveries": round(usage.consumer_deliveries, 2),
            "dynamodb_wcu": round(usage.wcu, 2),
            "dynamodb_rcu": round(usage.rcu, 2),
            "aws_calls": round(usage.aws_calls, 2),
            "mesh_cpu_ms": round(cpu * 1000, 1),
        },
        "cost_per_1m_actions_usd": {name: round(value * 1e6, 2) for name, value in cost.items()},
        "cost_per_1m_actions_usd_total": round(sum(cost.values()) * 1e6, 2),
    }
