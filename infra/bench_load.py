"""`make bench-load`: N signed mentions of a realistic mix through the mesh `make run` uses.

Senders post at a fixed concurrency; the run ends when the mesh is idle (every queue empty, every
Slack message out). Figures are written under ``load`` in bench-results.json (keys: README).
The senders run in a process of their own, as a SaaS tool's do. CPU is measured per process: the
mesh process, and the embedded AWS (moto server) from /proc.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from infra.local.template import REPO_ROOT
from infra.samples import WebhookSample, load_webhook_samples, signed_request

__all__ = ["main", "mention_mix"]

RESULTS = REPO_ROOT / "bench-results.json"
NOTIFY = "NotifyFunction"  # its queue holds the notifications still being paced out
_TICKS = os.sysconf("SC_CLK_TCK")


def mention_mix() -> list[WebhookSample]:
    """The demo's mention kinds: complaint, pricing question, idea, praise, quote request, sales
    intent from a customer with an open case (five of six reach a person)."""
    samples = load_webhook_samples() + load_webhook_samples(REPO_ROOT / "events" / "demo" / "webhooks")
    return [
        s
        for s in samples
        if s.source == "standard" and s.name.startswith(("mention", "idea", "praise", "prospect", "sales"))
    ]


def _nth(sample: WebhookSample, n: int) -> WebhookSample:
    """The n-th mention: its own post; every other one from a new author, the rest returning."""
    body = json.loads(sample.body)
    data = body["data"]
    data["post_id"] = f"{data['post_id']}-{n}"
    if data.get("url"):
        data["url"] = f"{data['url']}-{n}"
    if n % 2:
        author = data["author"]
        author["handle"] = f"{author['handle']}{n}"
        author["id"] = f"{author.get('id', 'a')}{n}"
        if author.get("email"):
            local, _, domain = author["email"].partition("@")
            author["email"] = f"{local}+{n}@{domain}"
    return dataclasses.replace(sample, name=f"{sample.name}-{n}", body=json.dumps(body).encode())


def _proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class _Senders:
    """Threads posting signed mentions; run in a process of their own (:func:`_send`)."""

    def __init__(self, url: str, secrets: dict[str, Any], mentions: list[WebhookSample], concurrency: int) -> None:
        self.url, self.secrets = url, secrets
        self.pending = list(reversed(mentions))
        self.concurrency = concurrency
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses = Counter[int]()

    def _run(self) -> None:
        session = requests.Session()
        while True:
            with self.lock:
                if not self.pending:
                    break
                sample = self.pending.pop()
            path, headers, body = signed_request(sample, self.secrets, "", time.time())
            started = time.perf_counter()
            status = session.post(f"{self.url}{path}", data=body, headers=headers, timeout=60).status_code
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.statuses[status] += 1

    def send_all(self) -> float:
        threads = [threading.Thread(target=self._run) for _ in range(self.concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


@dataclasses.dataclass(frozen=True)
class _Sent:
    seconds: float
    latencies: list[float]
    statuses: Counter[int]


def _send_here(url: str, secrets: dict[str, Any], mentions: list[WebhookSample], concurrency: int) -> _Sent:
    senders = _Senders(url, secrets, mentions, concurrency)
    seconds = senders.send_all()
    return _Sent(seconds, senders.latencies, senders.statuses)


def _send(mesh: Any, mentions: list[WebhookSample], concurrency: int) -> _Sent:
    """Post ``mentions`` from another process, as a SaaS tool posts them: the senders' signing and
    HTTP neither share the mesh's interpreter lock (which would add their waits to the ingress's
    latencies) nor count in the mesh's CPU."""
    from infra.bench_load import _send_here as send  # by its module's name, also when run as __main__

    spawn = multiprocessing.get_context("spawn")  # the mesh runs threads: no fork under them
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(send, mesh.ingress_url, mesh.secrets["webhooks"], mentions, concurrency).result()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _probe(mesh: Any, moto_pid: int, mentions: list[WebhookSample]) -> dict[str, float]:
    """CPU per mention (the mesh, plus the embedded AWS) of a few mentions sent and
    processed now, and the embedded AWS's resident memory then: run before and after the main
    run, the two say whether a mention costs more once the mesh has a history."""
    cpu, started = time.process_time() + _proc_cpu_seconds(moto_pid), time.perf_counter()
    _send(mesh, mentions, 8)
    _wait_processed(mesh, timeout=600.0)
    used = time.process_time() + _proc_cpu_seconds(moto_pid) - cpu
    return {
        "cpu_ms_per_mention": round(used * 1000 / len(mentions), 1),
        "seconds": round(time.perf_counter() - started, 1),
        "rss_mb_embedded_aws": _rss_mb(moto_pid),
    }


def _percentile(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1) if len(values) > 1 else 0.0


class _AwsCalls:
    """AWS calls made in this process (handlers, ingress, the runtime's own), by service and
    operation, and with ``by_caller`` also by the Talkworthy function that made them (the first
    frame in ``talkworthy/`` outside its AWS helpers; ``infra`` for the runtime's own)."""

    def __init__(self, by_caller: bool = False) -> None:
        from botocore.client import BaseClient

        self.counts = Counter[str]()
        self.callers = Counter[str]()
        original = BaseClient._make_api_call
        counts, callers, lock = self.counts, self.callers, threading.Lock()

        def counted(client: Any, operation: str, params: Any) -> Any:
            name = f"{client.meta.service_model.service_name}.{operation}"
            caller = _caller() if by_caller else ""
            with lock:
                counts[name] += 1
                if by_caller:
                    callers[f"{caller} {name}"] += 1
            return original(client, operation, params)

        BaseClient._make_api_call = counted

    def since(self, before: Counter[str], mentions: int, counts: Counter[str] | None = None) -> dict[str, float]:
        now = self.counts if counts is None else counts
        return {k: round(n / mentions, 2) for k, n in sorted((now - before).items(), key=lambda kv: -kv[1])}


_HELPERS = ("talkworthy/dynamo.py", "talkworthy/clients.py")


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if "/talkworthy/" in path and not path.endswith(_HELPERS):
            return f"{path.rsplit('/talkworthy/', 1)[1]}:{frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return "infra"


def _wait_processed(mesh: Any, timeout: float) -> float:
    """When every mention's own work was done: every queue but notify's empty and nothing running
    (seen twice, 0.3 s apart). Notify's queue holds the notifications requested but not yet out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if mesh.is_idle(ignore=(NOTIFY,)):
            seen = time.perf_counter()
            time.sleep(0.3)
            if mesh.is_idle(ignore=(NOTIFY,)):
                return seen
        time.sleep(0.1)
    return time.perf_counter()


def run(
    count: int, concurrency: int, warmup: int, drain_timeout: float, probe: int = 0, by_caller: bool = False
) -> dict[str, Any]:
    from infra.demo import SCENARIOS, seed
    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig

    calls = _AwsCalls(by_caller)
    mix = mention_mix()
    mentions = [_nth(mix[n % len(mix)], n) for n in range(warmup + count + 2 * probe)]
    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None, handler_log=HANDLER_LOG)) as mesh:
        assert mesh._moto is not None
        moto_pid = mesh._moto.pid
        seed(mesh, SCENARIOS)
        _send(mesh, mentions[:warmup], concurrency)
        mesh.wait_idle(timeout=600)
        growth: dict[str, Any] = {}
        if probe:
            before = _probe(mesh, moto_pid, mentions[warmup + count : warmup + count + probe])
            mesh.wait_idle(timeout=600)
        slack_before, limited_before = len(mesh.sink.messages()), mesh.sink.rate_limited_count
        requested_before = mesh.published["Action.Requested"]
        cpu_mesh, cpu_moto = time.process_time(), _proc_cpu_seconds(moto_pid)
        calls_before, callers_before = calls.counts.copy(), calls.callers.copy()
        started, wall_started = time.perf_counter(), time.time()
        sent = _send(mesh, mentions[warmup : warmup + count], concurrency)
        processed = _wait_processed(mesh, timeout=max(600.0, count * 2.0)) - started
        pending = mesh.queue_depth(NOTIFY)
        notifications = mesh.published["Action.Requested"] - requested_before
        idle = mesh.wait_idle(timeout=drain_timeout, settle=0.3)
        elapsed = time.perf_counter() - started
        mesh_cpu = time.process_time() - cpu_mesh
        moto_cpu = _proc_cpu_seconds(moto_pid) - cpu_moto
        calls_per_mention = calls.since(calls_before, count)
        by_caller_per_mention = dict(list(calls.since(callers_before, count, calls.callers).items())[:25])
        if probe:
            after = _probe(mesh, moto_pid, mentions[warmup + count + probe :])
            growth = {
                "growth_probe_mentions": probe,
                "growth_history_mentions": [warmup, warmup + probe + count],
                "cpu_ms_per_mention_probe_before": before["cpu_ms_per_mention"],
                "cpu_ms_per_mention_probe_after": after["cpu_ms_per_mention"],
                "cpu_growth_after_to_before": round(after["cpu_ms_per_mention"] / before["cpu_ms_per_mention"], 2),
                "rss_mb_embedded_aws_probe_before": before["rss_mb_embedded_aws"],
                "rss_mb_embedded_aws_probe_after": after["rss_mb_embedded_aws"],
            }
        messages = mesh.sink.messages()[slack_before:]
        per_channel = Counter(str(m["channel"]) for m in messages)
        bus_duplicates = sum(n - 1 for n in mesh.bus_copies.values() if n > 1)
        posts = Counter((m["channel"], json.dumps(m.get("blocks"), sort_keys=True)) for m in messages)
        post_duplicates = sum(n - 1 for n in posts.values() if n > 1)  # the same message about the same mention
        twice = [key for key, n in mesh.bus_copies.items() if n > 1][:5]
        return {
            "mentions": count,
            "concurrency": concurrency,
            "warmup_mentions": warmup,
            "ingress_answers_per_s": round(count / sent.seconds, 1),
            "ingress_p50_ms": _percentile(sent.latencies, 50),
            "ingress_p99_ms": _percentile(sent.latencies, 99),
            "ingress_statuses": {str(k): v for k, v in sorted(sent.statuses.items())},
            "mentions_processed_per_s": round(count / processed, 2),
            "seconds_to_processed": round(processed, 1),
            "notifications_requested": notifications,
            "notifications_pending_at_processed": pending,
            "drained": idle,
            "seconds_to_idle": round(elapsed, 1),
            "slack_seconds_to_last_message": round(
                max((float(m["ts"]) for m in messages), default=wall_started) - wall_started, 1
            ),
            "cpu_ms_per_mention_mesh": round(mesh_cpu * 1000 / count, 1),
            "cpu_ms_per_mention_embedded_aws": round(moto_cpu * 1000 / count, 1),
            "cpu_ms_per_mention_total": round((mesh_cpu + moto_cpu) * 1000 / count, 1),
            "aws_calls_per_mention": round(sum(calls_per_mention.values()), 1),
            "aws_calls_per_mention_by_operation": calls_per_mention,
            **({"aws_calls_per_mention_by_caller": by_caller_per_mention} if by_caller else {}),
            **growth,
            "peak_rss_mb_mesh": _peak_rss_mb(os.getpid()),
            "peak_rss_mb_embedded_aws": _peak_rss_mb(moto_pid),
            "dlq_depths": mesh.dlq_depths(),
            "duplicate_effects": bus_duplicates + post_duplicates,
            "duplicate_bus_events": bus_duplicates,
            "duplicate_slack_posts": post_duplicates,
            "duplicate_bus_event_keys_sample": twice,
            "slack_messages": len(messages),
            "slack_rate_limited_answers": mesh.sink.rate_limited_count - limited_before,
            "slack_pacing_limit_per_channel_per_s": 1.0,
            "slack_busiest_channel_per_s": round(max(per_channel.values(), default=0) / elapsed, 2),
        }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.bench_load")
    parser.add_argument("--mentions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--probe", type=int, default=0, help="mentions sent before and after the run (growth)")
    parser.add_argument("--drain-timeout", type=float, default=600.0, help="seconds to wait for Slack to drain")
    parser.add_argument("--by-caller", action="store_true", help="also count AWS calls by the function making them")
    args = parser.parse_args()
    load = run(args.mentions, args.concurrency, args.warmup, args.drain_timeout, args.probe, args.by_caller)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["load"] = load
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nload ({args.mentions} mentions, {args.concurrency} senders, after {args.warmup} warm-up):")
    for key, value in load.items():
        print(f"  {key:<40} {value}")
    from infra.local.mesh import HANDLER_LOG

    print(f"\nwritten to {RESULTS.name} (load); the handlers' logs: {HANDLER_LOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
