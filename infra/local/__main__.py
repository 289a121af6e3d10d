"""python -m infra.local run | demo | send <sample.json> [--url URL]"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from infra.local.mesh import DEV_SECRETS, LocalMesh, MeshConfig


def _run(port: int) -> int:
    from infra.demo import SCENARIOS, seed

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # set explicitly: a parent may have ignored SIGINT
        signal.signal(signum, lambda *_: stop.set())
    with LocalMesh(MeshConfig(ingress_port=port)) as mesh:
        seed(mesh, SCENARIOS)
        print(f"\nTalkworthy is running. Ingress: {mesh.ingress_url}  (OpenAPI: {mesh.ingress_url}/openapi.json)")
        print(f"Outbox (the local Slack and inbox; click the buttons): {mesh.outbox_url}")
        print("Send a signed sample from another terminal:")
        print("  .venv/bin/python -m infra.local send events/webhooks/standard/mention_created_complaint.json")
        print("The demo CRM contacts (events/demo/scenarios.yaml) are seeded. Ctrl-C stops everything.\n")
        stop.wait()
        print("\nstopping ...")
    return 0


def _demo() -> int:
    from infra.demo import run_demo

    failures = run_demo()
    if failures:
        print("\nDEMO FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\ndemo ok: every expected effect happened")
    return 0


def _send(path: Path, url: str) -> int:
    from infra.demo import send_sample
    from infra.samples import load_webhook_samples

    sample = next(s for s in load_webhook_samples(path.parent.parent) if s.path.resolve() == path.resolve())
    secrets = json.loads(DEV_SECRETS.read_text())["webhooks"]
    answer = send_sample(url, sample, secrets)
    print(answer.status_code, answer.text)
    return 0 if answer.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the mesh until Ctrl-C")
    run.add_argument("--port", type=int, default=int(os.environ.get("TALKWORTHY_PORT", "8000")))
    sub.add_parser("demo", help="send the demo deliveries and check their effects")
    send = sub.add_parser("send", help="sign and send one sample to a running mesh")
    send.add_argument("sample", type=Path)
    send.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('TALKWORTHY_PORT', '8000')}")
    args = parser.parse_args()
    if args.command == "run":
        return _run(args.port)
    if args.command == "demo":
        return _demo()
    return _send(args.sample, args.url)


if __name__ == "__main__":
    sys.exit(main())
