"""python -m infra.local run | demo  (send a sample with `talkworthy send`)"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import threading

from infra.local.mesh import HANDLER_LOG, LocalMesh, MeshConfig


def _run(port: int) -> int:
    from infra.cli.target import ENDPOINTS_FILE
    from infra.demo import SCENARIOS, seed

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # set explicitly: a parent may have ignored SIGINT
        signal.signal(signum, lambda *_: stop.set())
    with LocalMesh(MeshConfig(ingress_port=port, handler_log=HANDLER_LOG, endpoints_file=ENDPOINTS_FILE)) as mesh:
        seed(mesh, SCENARIOS)
        say = functools.partial(print, file=mesh.console)  # stdout is the handlers' log file meanwhile
        say(f"\nTalkworthy is running. Ingress: {mesh.ingress_url}  (OpenAPI: {mesh.ingress_url}/openapi.json)")
        say("From another terminal, send a signed sample and look at the mesh:")
        say("  .venv/bin/talkworthy send events/webhooks/standard/mention_created_complaint.json")
        say("  .venv/bin/talkworthy status      (and: talkworthy dlq list <context>, talkworthy --help)")
        say(f"Outbox (the local Slack and inbox; click the buttons): {mesh.outbox_url}")
        say("The demo CRM contacts (events/demo/scenarios.yaml) are seeded. Ctrl-C stops everything.")
        say(f"Handler logs (Powertools JSON, as CloudWatch would get them): {HANDLER_LOG}\n")
        stop.wait()
        say("\nstopping ...")
    print("stopped")
    return 0


def _demo() -> int:
    from infra.demo import run_demo

    failures = run_demo()
    if failures:
        print("\nDEMO FAILED:\n  " + "\n  ".join(failures))
        print(f"handler logs: {HANDLER_LOG}")
        return 1
    print("\ndemo ok: every expected effect happened")
    print(f"handler logs: {HANDLER_LOG}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the mesh until Ctrl-C")
    run.add_argument("--port", type=int, default=int(os.environ.get("TALKWORTHY_PORT", "8000")))
    sub.add_parser("demo", help="send the demo deliveries and check their effects")
    args = parser.parse_args()
    if args.command == "run":
        return _run(args.port)
    return _demo()


if __name__ == "__main__":
    sys.exit(main())
