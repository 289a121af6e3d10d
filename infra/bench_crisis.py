"""`make bench-crisis`: a public crisis through the local mesh, and what Slack saw of it.

``PER_MINUTE`` complaints a minute from ordinary customers (signed Standard Webhooks, as the
listening tool sends them) for ``MINUTES`` minutes, paced evenly by 8 senders. The mesh runs with
buckets of ``BUCKET`` seconds (the cloud's are 5 minutes: a short run needs a shorter clock to
see a surge open and resolve). First a normal stretch (one complaint a bucket for 14 buckets), so
the detector knows what is usual; after the burst, a trickle of ordinary posts lets the detector
see the quiet and resolve the surge. Reported (``crisis`` in ``bench-results.json``): mentions
processed, cases opened, DLQ entries, Slack calls (posts, updates in place, 429 answers), the
incident messages, and the seconds until every mention was processed and until the mesh was idle.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from typing import Any

import requests

from infra.bench import RESULTS
from infra.demo_surge import complaint
from infra.samples import signed_request

__all__ = ["run"]

NOTIFY = "NotifyFunction"


def _send_paced(mesh: Any, count: int, per_second: float, senders: int = 8) -> Counter[int]:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start = time.monotonic()

    def sender(offset: int) -> None:
        session = requests.Session()
        for n in range(offset, count, senders):
            time.sleep(max(0.0, start + n / per_second - time.monotonic()))
            sample = complaint(n, run="crisis")
            path, headers, body = signed_request(sample, mesh.secrets["webhooks"], "", time.time(), f"msg_crisis_{n}")
            status = session.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=60).status_code
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def run(per_minute: int, minutes: float, bucket: int, drain: float) -> dict[str, Any]:
    from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig

    parameters = {
        "SurgeBucketSeconds": str(bucket),
        "SurgeGraceSeconds": str(bucket),
        "SurgeSilenceSeconds": str(3 * bucket),
        "SurgeScanSchedule": "rate(2 seconds)",
        "SurgeQuietBuckets": "2",
    }
    count = int(per_minute * minutes)
    config = MeshConfig(ingress_port=0, trace_stream=None, handler_log=HANDLER_LOG, extra_parameters=parameters)
    with LocalMesh(config) as mesh:
        for n in range(14):  # a normal day first: the detector learns what a bucket usually holds
            sample = complaint(n, run="before-crisis")
            path, headers, body = signed_request(sample, mesh.secrets["webhooks"], "", time.time(), f"msg_before_{n}")
            requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=60)
            time.sleep(bucket)
        mesh.wait_idle(timeout=120)
        started = time.perf_counter()
        statuses = _send_paced(mesh, count, per_minute / 60)
        sent = time.perf_counter() - started
        while not mesh.is_idle(ignore=(NOTIFY,)) and time.perf_counter() - started < sent + drain:
            time.sleep(0.5)
        processed_at = time.perf_counter() - started
        for n in range(40):  # ordinary traffic goes on: the detector sees the quiet and resolves the surge
            if mesh.published["Surge.Resolved"]:
                break
            sample = complaint(n, "Loving the new dashboard from @acme, great work team!", run="after-crisis")
            path, headers, body = signed_request(sample, mesh.secrets["webhooks"], "", time.time(), f"msg_after_{n}")
            requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=60)
            time.sleep(bucket / 2)
        drained = mesh.wait_idle(timeout=drain, settle=0.5)
        idle_at = time.perf_counter() - started
        messages = mesh.sink.messages()
        digests = [m for m in messages if str(m.get("text", "")).startswith("Surge:")]
        updates = sum(len(m.get("history", [])) for m in messages)
        crisis_posts = [m for m in messages if "Customer " in str(m.get("text", ""))]
        return {
            "per_minute": per_minute,
            "minutes": minutes,
            "mentions": count,
            "bucket_seconds": bucket,
            "ingress_statuses": {str(k): v for k, v in sorted(statuses.items())},
            "seconds_sending": round(sent, 1),
            "mentions_processed": mesh.published["Mention.Enriched"],
            "cases_opened": mesh.published["Case.Opened"],
            "notifications_requested": mesh.published["Action.Requested"],
            "dlq_entries": sum(mesh.dlq_depths().values()),
            "dlq_depths": mesh.dlq_depths(),
            "surge_events": {kind: mesh.published[f"Surge.{kind}"] for kind in ("Detected", "Updated", "Resolved")},
            "slack_calls": len(messages) + updates,
            "slack_posts": len(messages),
            "slack_posts_one_by_one": len(crisis_posts),
            "slack_incident_messages": len(digests),
            "slack_updates_in_place": updates,
            "slack_rate_limited_answers": mesh.sink.rate_limited_count,
            "seconds_to_processed": round(processed_at, 1),
            "seconds_to_drain": round(idle_at, 1),
            "drained": drained,
        }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.bench_crisis")
    parser.add_argument("--per-minute", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--bucket", type=int, default=20, help="surge bucket, seconds (the cloud's: 300)")
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    args = parser.parse_args()
    crisis = run(args.per_minute, args.minutes, args.bucket, args.drain_timeout)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["crisis"] = crisis
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\ncrisis ({args.per_minute} complaints a minute for {args.minutes} minutes):")
    for key, value in crisis.items():
        print(f"  {key:<32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
