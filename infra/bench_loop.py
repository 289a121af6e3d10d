"""Ticket closures for `make bench`: what closing the loop costs, per closure and per million.

Against the local mesh: ``CLOSURES`` tweets from as many people each open a case (not metered),
then each case is solved in Zendesk (a signed webhook naming the case, as a ticket mirroring it
does) and the cost model meters everything that follows until the mesh is idle: the closure
claimed, the reply on X posted through the reply adapter, the survey scheduled and, when it falls
due (at once locally), e-mailed; then every customer opens a rating link and answers (page and
answer: two more requests), and the customers context records it. So the figure is per closure
with its survey answered, an upper bound for the survey part (not every customer answers).
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from typing import Any

import requests

from infra.cost_model import Meter, usage_cost

__all__ = ["closure_costs"]

CLOSURES = 40


def _sample(name: str) -> Any:
    from infra.samples import load_webhook_samples

    return next(s for s in load_webhook_samples() if f"{s.source}/{s.name}" == name)


def _tweet(sample: Any, n: int) -> Any:
    body = json.loads(sample.body)
    data = body["data"]
    data["post_id"] = f"{1858412270931259392 + n}"
    data["url"] = f"https://x.com/person{n}/status/{data['post_id']}"
    data["author"] = {**data["author"], "handle": f"person{n}", "id": f"9{n:06d}", "email": f"person{n}@example.com"}
    data["author"]["name"] = f"Person {n}"
    data["text"] = f"@acme sync failure number {n} this week, we lost a morning of orders. Is anyone there?"
    return dataclasses.replace(sample, body=json.dumps(body).encode())


def _solved(sample: Any, case_id: str, n: int) -> Any:
    body = json.loads(sample.body)
    body["id"] = f"01JD3XK2M4Q6R8T0V2BENCH{n:03d}"
    body["detail"] = {**body["detail"], "id": str(60000 + n), "external_id": f"dynamodb:{case_id}"}
    return dataclasses.replace(sample, body=json.dumps(body).encode())


def _wait_for_surveys(mesh: Any, count: int, timeout: float = 300.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mesh.wait_idle(timeout=60)
        found = [e for e in mesh.inbox() if e["subject"] == "How did we do?"]
        if len(found) >= count:
            return found
        time.sleep(0.5)
    raise RuntimeError(f"only {len(found)} of {count} surveys arrived")


def closure_costs() -> dict[str, Any]:
    from infra.demo import send_sample
    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig
    from infra.samples import signed_request

    meter = Meter()
    config = MeshConfig(ingress_port=0, trace_stream=None, log_level="INFO", handler_log=HANDLER_LOG)
    with LocalMesh(config) as mesh:
        secrets = mesh.secrets["webhooks"]
        complaint, solved = _sample("standard/mention_created_complaint"), _sample("zendesk/ticket_solved")
        for n in range(CLOSURES):
            tweet = _tweet(complaint, n)
            path, headers, body = signed_request(tweet, secrets, mesh.ingress_url, time.time(), f"msg_bench{n:04d}")
            assert requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10).ok
        assert mesh.wait_idle(timeout=300)
        cases = {e["detail"]["case"]["record_id"] for e in mesh.events if e["detail-type"] == "Case.Opened"}
        assert len(cases) == CLOSURES, f"{len(cases)} cases opened of {CLOSURES}"
        with meter.watching():
            before, cpu_before = meter.snapshot(), time.process_time()
            delivered = sum(mesh.trace.events.values())
            for n, case_id in enumerate(sorted(cases)):
                assert send_sample(mesh.ingress_url, _solved(solved, case_id, n), secrets).status_code == 202
            surveys = _wait_for_surveys(mesh, CLOSURES)
            for survey in surveys:
                link = re.findall(r'data-rating="4" href="([^"]+)"', survey["html"])[0].replace("&amp;", "&")
                assert requests.get(link, timeout=10).status_code == 200
                assert requests.post(link, data={"rating": "4", "comment": "thanks"}, timeout=10).status_code == 202
            assert mesh.wait_idle(timeout=300)
            replies = len(mesh.replies.replies())
            meter.usage.api_requests += 3 * CLOSURES  # the Zendesk webhook, the survey page, the answer
            meter.usage.ingress_invocations += 3 * CLOSURES
            meter.usage.consumer_deliveries += sum(mesh.trace.events.values()) - delivered
            meter.usage.reply_calls += replies
            usage = (meter.snapshot() - before).per(CLOSURES)
            cpu = (time.process_time() - cpu_before) / CLOSURES  # the mesh process: ingress and handlers
        told = sum(1 for e in mesh.events if e["detail-type"] == "Loop.Closed" and e["detail"]["told"])
        answers = sum(1 for e in mesh.events if e["detail-type"] == "Feedback.Received")
    assert (told, answers, replies) == (CLOSURES, CLOSURES, CLOSURES), (told, answers, replies)
    cost = usage_cost(usage, cpu)
    return {
        "closures": CLOSURES,
        "per_closure": {
            "events_published": round(usage.events, 2),
            "consumer_deliveries": round(usage.consumer_deliveries, 2),
            "dynamodb_wcu": round(usage.wcu, 2),
            "dynamodb_rcu": round(usage.rcu, 2),
            "aws_calls": round(usage.aws_calls, 2),
            "emails": round(usage.emails, 2),
            "schedules": round(usage.schedules, 2),
            "replies": round(usage.reply_calls, 2),
            "mesh_cpu_ms": round(cpu * 1000, 1),
        },
        "cost_per_1m_closures_usd": {name: round(value * 1e6, 2) for name, value in cost.items()},
        "cost_per_1m_closures_usd_total": round(sum(cost.values()) * 1e6, 2),
    }


if __name__ == "__main__":
    print(json.dumps(closure_costs(), indent=2))
