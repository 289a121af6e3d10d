"""`make reliability`: deliveries across sources and flows through the local mesh, with faults on.

Every delivery is sent twice (``infra/reliability_deliveries.py``) while the fault plan
(``infra/local/faults.example.yaml`` unless ``--faults``) fails the CRM, Slack, handlers, the
embedded AWS and the ingress's dependencies. Then it counts what the README's ``reliability``
table lists: events lost after a 2xx, duplicate side effects, the time to drain; turns the faults
off, moves every parked event back with ``talkworthy dlq redrive`` and checks each was processed;
and scans the whole run's logs for secrets, tokens and e-mail addresses. Figures are printed and
written under ``reliability`` in bench-results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from infra.local.faults import ENV, FaultPlan
from infra.local.template import REPO_ROOT
from infra.log_check import scan
from infra.reliability_counts import archived_correlation_ids, delivery_roots, side_effects
from infra.reliability_deliveries import Senders, build_deliveries

__all__ = ["DEFAULT_PLAN", "main", "run"]

DEFAULT_PLAN = REPO_ROOT / "infra" / "local" / "faults.example.yaml"
LOGS = REPO_ROOT / ".talkworthy" / "logs"
RESULTS = REPO_ROOT / "bench-results.json"
FIRST_EFFECT = {
    "mention": "Mention.Enriched",
    "ticket": "Ticket.Closed",
    "idea": "Idea.Submitted",
    "behaviour": "Behavior.Observed",
}


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _write_plan(path: Path, plan: FaultPlan) -> None:
    path.write_text(yaml.safe_dump(plan.model_dump()))
    stat = path.stat()
    os.utime(path, (stat.st_atime, max(time.time(), stat.st_mtime + 1)))


def _redrive(mesh: Any, contexts: list[Any]) -> dict[str, int]:
    """``talkworthy dlq redrive <context>`` for every context with parked events; what each moved."""
    moved = {}
    for context in contexts:
        if not mesh.dlq_depths().get(context.dlq):
            continue
        answer = subprocess.run(
            [sys.executable, "-m", "infra.cli.app", "dlq", "redrive", context.name],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        moved[context.name] = int(answer.stdout.split("moved ", 1)[1].split()[0])
    return moved


def run(count: int, concurrency: int, plan_file: Path, drain_timeout: float, logs: Path) -> dict[str, Any]:
    from infra.cli.target import contexts_from_template
    from infra.demo import SCENARIOS, seed
    from infra.local.mesh import LocalMesh, MeshConfig

    logs.mkdir(parents=True, exist_ok=True)
    plan = FaultPlan.model_validate(yaml.safe_load(plan_file.read_text()) or {})
    plan = plan.model_copy(update={"failed_visible_after_seconds": plan.failed_visible_after_seconds or 2})
    live_plan, handler_log, trace_log = logs / "reliability-faults.yaml", logs / "mesh.log", logs / "trace.log"
    endpoints = logs / "reliability-mesh.json"
    _write_plan(live_plan, plan.model_copy(update={"enabled": False}))  # on once the world is seeded
    deliveries = build_deliveries(count)
    contexts = contexts_from_template()
    with (
        _env({ENV: str(live_plan), "TALKWORTHY_MESH_FILE": str(endpoints)}),
        trace_log.open("w") as trace,
        LocalMesh(
            MeshConfig(ingress_port=0, trace_stream=trace, handler_log=handler_log, endpoints_file=endpoints)
        ) as mesh,
    ):
        seed(mesh, SCENARIOS)
        for delivery in deliveries:  # Canny's own board holds each idea posted (its deliveries are checked there)
            if delivery.kind == "idea":
                mesh.canny.happened(json.loads(delivery.sample.body))
        _write_plan(live_plan, plan)
        time.sleep(1.5)  # every part re-reads its plan within a second
        roots = {d.n: delivery_roots(d, mesh.secrets["webhooks"]) for d in deliveries}
        senders = Senders(mesh.ingress_url, mesh.secrets["webhooks"], concurrency)
        started = time.perf_counter()
        senders.send_all([(d, c) for d in deliveries for c in ((1, 2) if d.concurrent else (1,))])
        senders.send_all([(d, 2) for d in deliveries if not d.concurrent])  # re-signed, later
        sent = time.perf_counter() - started
        drained = mesh.wait_idle(timeout=drain_timeout)
        seconds_to_drain = time.perf_counter() - started
        injected = mesh.injected_faults()
        parked = {c.name: mesh.dlq_depths().get(c.dlq, 0) for c in contexts}
        _write_plan(live_plan, plan.model_copy(update={"enabled": False}))
        time.sleep(1.5)  # every part re-reads its plan within a second
        moved = _redrive(mesh, contexts)
        redrive_drained = mesh.wait_idle(timeout=drain_timeout)
        parked_after = {c.name: mesh.dlq_depths().get(c.dlq, 0) for c in contexts}
        unfinished = mesh.unfinished_event_keys()
        answered = {n for (n, _), a in senders.answers.items() if 200 <= a.status < 300}
        archived = archived_correlation_ids(mesh)
        effects_by_root: dict[str, set[str]] = {}
        for event in mesh.events:
            root = str(event["detail"]["meta"]["event_key"]).split(">", 1)[0]
            effects_by_root.setdefault(root, set()).add(event["detail-type"])
        lost = []
        for d in deliveries:
            if d.n not in answered:
                continue
            correlation = {a.body.get("delivery") for (n, _), a in senders.answers.items() if n == d.n}
            on_bus = set().union(*(effects_by_root.get(r, set()) for r in roots[d.n]))
            if not correlation & archived or FIRST_EFFECT[d.kind] not in on_bus:
                lost.append(d.n)
        effects = side_effects(mesh)
        done = {name: tally[0] for name, tally in effects.items()}
        duplicates = {name: tally[1] for name, tally in effects.items()}
        not_done = {name: tally[2] for name, tally in effects.items()}
        twice = [f"{name}: {key}" for name, tally in effects.items() for key in tally[3]]
        bus_duplicates = sum(n - 1 for n in mesh.bus_copies.values() if n > 1)
        differing = sorted(mesh.differing_asks)
    log = scan([handler_log, trace_log], mesh.secrets)
    parked_total, moved_total = sum(parked.values()), sum(moved.values())
    return {
        "deliveries": count,
        "sends": 2 * count,
        "deliveries_by_kind": dict(Counter(d.kind for d in deliveries)),
        "concurrent_pairs": sum(d.concurrent for d in deliveries),
        "concurrency": concurrency,
        "faults_injected": injected,
        "ingress_statuses": {str(k): v for k, v in sorted(senders.statuses.items())},
        "deliveries_never_accepted": count - len(answered),
        "events_lost_after_2xx": len(lost) + len(unfinished),
        "lost_deliveries_sample": lost[:5],
        "unfinished_event_keys_sample": unfinished[:5],
        "duplicate_side_effects": sum(duplicates.values()),
        "duplicates_by_effect": duplicates,
        "duplicates_sample": twice[:5],
        "side_effects": done,
        "side_effects_asked_but_not_done": not_done,
        "duplicate_bus_events": bus_duplicates,
        "requests_differing_between_copies": len(differing),
        "differing_requests_sample": differing[:20],
        "seconds_sending": round(sent, 1),
        "seconds_to_drain": round(seconds_to_drain, 1),
        "drained": drained,
        "deliveries_per_s_end_to_end": round(count / seconds_to_drain, 2),
        "parked_with_faults": parked,
        "redriven": moved,
        "parked_after_redrive": parked_after,
        "redrive_drained": redrive_drained,
        "parked_processed_share": round((moved_total - sum(parked_after.values())) / moved_total, 4)
        if moved_total
        else 1.0,
        "parked_total": parked_total,
        "log_lines_checked": log.lines,
        "log_findings": len(log.findings),
        "log_findings_by_kind": log.by_kind,
        "log_findings_sample": [f"{f.kind} {f.where} {f.masked}" for f in log.findings[:5]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.reliability")
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--faults", type=Path, default=DEFAULT_PLAN, help="the fault plan (YAML)")
    parser.add_argument("--drain-timeout", type=float, default=3600.0)
    args = parser.parse_args()
    figures = run(args.deliveries, args.concurrency, args.faults, args.drain_timeout, LOGS)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["reliability"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nreliability ({args.deliveries} deliveries, each sent twice, faults from {args.faults}):")
    for key, value in figures.items():
        print(f"  {key:<32} {value}")
    print(f"\nwritten to {RESULTS.name} (reliability); the run's logs: {LOGS}")
    goals = (
        figures["events_lost_after_2xx"] == 0
        and figures["duplicate_side_effects"] == 0
        and figures["parked_processed_share"] == 1.0
        and figures["log_findings"] == 0
    )
    return 0 if goals else 1


if __name__ == "__main__":
    sys.exit(main())
