"""The whole mesh on one machine: moto server, provisioned template, ingress, handlers, sinks.

``LocalMesh`` is what ``make run``, ``make demo`` and the end-to-end tests use, so they all run
the same code. Everything binds to 127.0.0.1; ``stop()`` ends every thread and the moto
process and frees every port.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import boto3
import requests

from infra.local.canny_standin import CANNY_PREFIX, CannyStandIn
from infra.local.faults import faults_from_env
from infra.local.handler_logs import HandlerLogs
from infra.local.outbox import Outbox, Person
from infra.local.provision import ProvisionedStack, provision
from infra.local.reply_sink import ReplySink
from infra.local.runtime import LocalFunction, QueueWorker, ScheduleWorker
from infra.local.scheduler import OneShotScheduler
from infra.local.slack_sink import SlackSink
from infra.local.template import REPO_ROOT
from infra.local.trace import Trace
from talkworthy.settings import use_environment

__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEV_SECRETS",
    "HANDLER_LOG",
    "LOCAL_COMMUNITY",
    "LOCAL_COMMUNITY_CHANNEL",
    "LocalMesh",
    "MeshConfig",
]

DEV_SECRETS = Path(__file__).with_name("dev-secrets.json")
REPLY_USERNAME = "acme-support"  # the brand's community account the local replies are posted as
HANDLER_LOG = REPO_ROOT / ".talkworthy" / "logs" / "mesh.log"
_REGION = "us-east-1"
_ACCOUNT = "123456789012"
LOCAL_COMMUNITY = "community.acme.example"  # the demo forum's host, as its webhooks name it
LOCAL_COMMUNITY_CHANNEL = "C0COMMUNITY"  # where its weekly health digest goes
DEFAULT_CONCURRENCY = 5  # batches at once per source without ScalingConfig (Lambda starts with five pollers)


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class MeshConfig:
    stack_name: str = "talkworthy-local"
    host: str = "127.0.0.1"
    ingress_port: int = 8000  # 0 picks a free port
    secrets_file: Path = DEV_SECRETS
    trace_stream: TextIO | None = sys.stdout
    log_level: str = "WARNING"
    handler_log: Path | None = None  # the handlers' stdout (JSON logs, EMF metrics) goes here, not the console
    extra_parameters: dict[str, str] = field(default_factory=dict)
    endpoints_file: Path | None = None  # where `talkworthy` finds this mesh (make run: .talkworthy/mesh.json)


class LocalMesh:
    def __init__(self, config: MeshConfig | None = None) -> None:
        self.config = config or MeshConfig()
        self.trace = Trace(self.config.trace_stream)
        self._handler_logs = HandlerLogs(self.config.handler_log) if self.config.handler_log else None
        self.console: TextIO = sys.stdout  # where a command prints its own output while the mesh runs
        self.secrets = json.loads(self.config.secrets_file.read_text())
        self._moto: subprocess.Popen[bytes] | None = None
        self._saved_env: dict[str, str | None] = {}
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._inflight = 0
        self._loop: threading.Thread | None = None
        self._pollers: list[threading.Thread] = []
        self._next_one_shots = 0.0
        self._slack_seen = 0
        self.events: list[dict[str, Any]] = []  # each distinct event the bus carried, first copy
        self.published = Counter[str]()  # detail-type -> distinct events seen on the bus
        self.bus_copies = Counter[str]()  # "detail-type|event key" -> copies the bus carried (1 unless duplicated)
        self._asks: dict[str, bytes] = {}  # an Action.Requested's key -> a digest of its first copy, meta aside
        self.differing_asks: dict[str, list[dict[str, Any]]] = {}  # key -> the later copies that differ from its first
        self._published_keys: set[str] = set()
        self._ingress: Any = None
        self._ingress_thread: threading.Thread | None = None
        self.faults = faults_from_env()  # TALKWORTHY_FAULTS=path: infra/local/faults.py
        self.sink = SlackSink(host=self.config.host, port=0, faults=self.faults)
        # Canny signs its webhooks with the team's API key: the one key serves both, as on Canny
        self.canny = CannyStandIn(self.canny_api_key)
        self.canny.load_samples([REPO_ROOT / "events" / "webhooks", REPO_ROOT / "events" / "demo" / "webhooks"])
        self.sink.canny = self.canny
        self.replies = ReplySink(
            host=self.config.host,
            api_key=self.secrets["discourse_api_key"],
            api_username=REPLY_USERNAME,
            bearer_token=self.secrets["social_bearer_token"],
        )
        self.stack: ProvisionedStack
        self.functions: dict[str, LocalFunction] = {}
        self.moto_url = ""
        self.ingress_url = ""
        self.outbox_url = ""
        self._ingress_port = 0

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LocalMesh:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> LocalMesh:
        try:
            if self._handler_logs is not None:
                self.console = self._handler_logs.start()
            self._start_moto()
            self._set_env(
                {
                    "AWS_ENDPOINT_URL": self.moto_url,
                    "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing",
                    "AWS_DEFAULT_REGION": _REGION,
                    "AWS_REGION": _REGION,
                    "POWERTOOLS_TRACE_DISABLED": "true",
                    "POWERTOOLS_METRICS_DISABLED": "true",
                    "POWERTOOLS_DEV": "false",
                }
            )
            self._cold_start()
            self.session = boto3.Session(region_name=_REGION)
            self.sink.start()
            self.replies.start()
            self.stack = provision(
                self.session,
                stack_name=self.config.stack_name,
                region=_REGION,
                account=_ACCOUNT,
                parameters=self._parameters(),
            )
            self._prepare_functions()
            self._observe_bus()
            self._seed()
            self._start_ingress()
            self.outbox_url = self.sink.connect_outbox(self._outbox())
            self._loop = threading.Thread(target=self._run_loop, name="mesh-loop", daemon=True)
            self._loop.start()
            self._pollers = [
                threading.Thread(
                    target=self._poll, args=(worker, n), name=f"poll-{worker.function.short_name}-{n}", daemon=True
                )
                for worker in self._workers
                for n in range(worker.source.maximum_concurrency or DEFAULT_CONCURRENCY)
            ]
            self._pollers.append(threading.Thread(target=self._observe, name="observer", daemon=True))
            for poller in self._pollers:
                poller.start()
            self._write_endpoints()
            self.trace.note(f"embedded AWS  {self.moto_url}")
            self.trace.note(f"Slack sink    {self.sink.url}")
            self.trace.note(f"Canny API     {self.sink.url}{CANNY_PREFIX}  (board: {self.sink.url}/_canny/posts)")
            self.trace.note(f"reply sink    {self.replies.url}/discourse, {self.replies.url}/x")
            self.trace.note(f"ingress       {self.ingress_url}")
            if self.config.handler_log:
                self.trace.note(f"handler logs  {self.config.handler_log}")
            self.trace.note(f"outbox        {self.outbox_url}")
            if self.faults.path is not None:
                self.trace.note(f"faults        {self.faults.path} (re-read when it changes)")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """In order, quietly: the loop and its workers, the ingress (and its requests in flight), the
        Slack sink, then the embedded AWS they all call (its own process group: Ctrl-C reaches only us)."""
        if self.config.endpoints_file is not None:
            self.config.endpoints_file.unlink(missing_ok=True)
        self._stop.set()
        for poller in self._pollers:
            poller.join(timeout=30)
        if self._loop is not None:
            self._loop.join(timeout=30)
        if self._ingress is not None:
            self._ingress.server.shutdown()
            self._ingress.server.server_close()
            if self._ingress_thread is not None:
                self._ingress_thread.join(timeout=10)
            self._ingress = None
            deadline = time.monotonic() + 10
            while self._inflight and time.monotonic() < deadline:
                time.sleep(0.05)
        self.sink.stop()
        self.replies.stop()
        if self._moto is not None:
            self._moto.terminate()
            try:
                self._moto.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._moto.kill()
                self._moto.wait()
            self._moto = None
        self._cold_start()  # its containers end with it: no client cached here outlives this moto
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}
        if self._handler_logs is not None:
            self._handler_logs.stop()

    def _write_endpoints(self) -> None:
        """Tell the operator CLI where this mesh is: endpoints and every resource's physical id."""
        if self.config.endpoints_file is None:
            return
        document = {
            "stack_name": self.config.stack_name,
            "region": _REGION,
            "moto_url": self.moto_url,
            "ingress_url": self.ingress_url,
            "slack_sink_url": self.sink.url,
            "resources": {
                logical_id: str(attributes["Ref"])
                for logical_id, attributes in self.stack.resolver.attributes.items()
                if "Ref" in attributes
            },
        }
        self.config.endpoints_file.parent.mkdir(parents=True, exist_ok=True)
        self.config.endpoints_file.write_text(json.dumps(document, indent=2))

    def _set_env(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    @staticmethod
    def _cold_start() -> None:
        """Forget what earlier meshes in this process cached per container (clients, settings).

        Handlers share this process; on Lambda a new deployment means new containers, so every
        ``functools.cache`` in the composition roots is cleared, as a cold start would.
        """
        for name in ("talkworthy.clients", "talkworthy.composition", "chalicelib.wiring"):
            module = sys.modules.get(name)
            if module is None:  # not imported yet: nothing cached, and importing now would build its
                continue  # loggers before the functions' environment (POWERTOOLS_LOG_LEVEL) is set
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                    value.cache_clear()

    def _start_moto(self) -> None:
        port = _free_port(self.config.host)
        self._moto = subprocess.Popen(
            [sys.executable, "-m", "infra.local.moto_server", "-H", self.config.host, "-p", str(port)],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a terminal's Ctrl-C goes to the mesh, which stops moto last
            preexec_fn=_die_with_parent,
        )
        self.moto_url = f"http://{self.config.host}:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._moto.poll() is not None:
                raise RuntimeError("moto_server exited at start")
            with contextlib.suppress(requests.ConnectionError):
                requests.get(f"{self.moto_url}/moto-api/", timeout=1)
                return
            time.sleep(0.1)
        raise RuntimeError("moto_server did not start within 30 s")

    @property
    def canny_api_key(self) -> str:
        return str(self.secrets["webhooks"]["canny"]["signing"][0])

    def _parameters(self) -> dict[str, str]:
        self._ingress_port = self.config.ingress_port or _free_port(self.config.host)
        return {
            "PublicBaseUrl": f"http://{self.config.host}:{self._ingress_port}",  # absolute e-mail action links
            "SlackWorkspaceUrl": self.sink.url,  # links to Slack messages open them in the outbox
            "WebhookSecretsJson": json.dumps(self.secrets["webhooks"]),
            "SlackBotToken": self.secrets["slack_bot_token"],
            "ActionLinkKey": self.secrets["action_link_key"],
            "SlackApiUrl": f"{self.sink.url}/api/",
            "CannyApiKey": self.canny_api_key,  # every Canny delivery is checked against the stand-in
            "CannyApiUrl": f"{self.sink.url}{CANNY_PREFIX.rstrip('/')}",
            "CannyChangerId": "local-canny-admin",
            "DiscourseUrl": f"{self.replies.url}/discourse",  # replies where a case came from
            "DiscourseApiKey": self.secrets["discourse_api_key"],
            "DiscourseApiUsername": REPLY_USERNAME,
            "SocialApiUrl": f"{self.replies.url}/x",
            "SocialBearerToken": self.secrets["social_bearer_token"],
            "SurveyDelayMinutes": "0",  # locally the survey goes as soon as the scheduler looks (once a second)
            "LogLevel": self.config.log_level,
            **self._community_parameters(),
            # a person at the keyboard waits for each mention: a bucket is evaluated 5 s after it ends
            "SurgeGraceSeconds": "5",
            **self.config.extra_parameters,
        }

    def _community_parameters(self) -> dict[str, str]:
        """The demo community, its admin reports served by the sink's Discourse stand-in."""
        keys = self.secrets.get("discourse_api_keys", {})
        for key in keys.values():
            self.sink.discourse.allow_key(key)
        community = {
            "community_id": LOCAL_COMMUNITY,
            "name": "Acme Community",
            "base_url": f"{self.sink.url}/discourse",
            "digest_channel": LOCAL_COMMUNITY_CHANNEL,
        }
        return {"CommunitiesJson": json.dumps([community]), "DiscourseApiKeysJson": json.dumps(keys)}

    def _prepare_functions(self) -> None:
        """Each function runs with its own environment (``LocalFunction.invoke``); what every function
        shares (the template's Globals: Powertools, bus, table) also goes into ``os.environ``, where
        libraries such as Powertools read it. Those shared names must agree across functions."""
        specs = list(self.stack.functions.values())
        shared = {
            key: value
            for key, value in specs[0].environment.items()
            if all(spec.environment.get(key) == value for spec in specs)
        }
        for spec in specs:
            for key, value in spec.environment.items():
                if key.startswith("POWERTOOLS_") and key not in shared:
                    raise RuntimeError(
                        f"{spec.logical_id} sets {key}={value!r} unlike other functions; Powertools reads it "
                        "from the process environment, which the local handlers share"
                    )
            self.functions[spec.logical_id] = LocalFunction(spec, _REGION, _ACCOUNT)
        self._set_env(shared)
        self._workers = [
            QueueWorker(function, source, self.session.client("sqs"), self.trace, self.faults)
            for function in self.functions.values()
            for source in function.spec.queues
        ]
        self._schedules = [
            ScheduleWorker(function, schedule, self.trace)
            for function in self.functions.values()
            for schedule in function.spec.schedules
        ]
        self._one_shots = OneShotScheduler(
            self.session.client("scheduler"),
            self.session.client("events"),
            self.session.client("sqs"),
            self.stack.schedule_groups,
            self.trace,
        )

    def _observe_bus(self) -> None:
        """A catch-all rule to a local queue: how the demo and tests see every published event.

        It is the mesh's own observer, not part of template.yaml, and sees what the bus sees.
        """
        self._sqs = self.session.client("sqs")  # the loop's and the readers' own (a client per call costs ~10 ms)
        sqs, events = self._sqs, self.session.client("events")
        name = f"{self.config.stack_name}-observer"
        self._observer_url = sqs.create_queue(QueueName=name)["QueueUrl"]
        bus = self.stack.attr("Bus")
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": [{"prefix": "talkworthy."}]}))
        events.put_targets(
            Rule=name,
            EventBusName=bus,
            Targets=[{"Id": "observer", "Arn": f"arn:aws:sqs:{_REGION}:{_ACCOUNT}:{name}"}],
        )

    def _observe(self) -> None:
        """The observer's own thread, long-polling: it keeps up with the bus without polling at a rate."""
        while not self._stop.is_set():
            try:
                self._drain_observer(wait_seconds=1)
            except Exception as err:  # a broken AWS call: say so, back off, go on
                self.trace.note(f"runtime error (observer): {type(err).__name__}: {err}")
                self._stop.wait(1.0)

    def _drain_observer(self, wait_seconds: int = 0) -> int:
        sqs = self._sqs
        messages = sqs.receive_message(
            QueueUrl=self._observer_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
        ).get("Messages", [])
        for message in messages:
            envelope = json.loads(message["Body"])
            key = f"{envelope['detail-type']}|{envelope['detail'].get('meta', {}).get('event_key')}"
            self.bus_copies[key] += 1
            if envelope["detail-type"] == "Action.Requested":
                self._compare_ask(key, envelope["detail"])
            if key not in self._published_keys:
                self._published_keys.add(key)
                self.published[envelope["detail-type"]] += 1
                self.events.append(envelope)  # what the demo tells
        if messages:
            sqs.delete_message_batch(
                QueueUrl=self._observer_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
        return len(messages)

    def _compare_ask(self, key: str, detail: dict[str, Any]) -> None:
        """A redelivered event leads to its requests again, with the same keys; notify sends whichever
        copy comes first, so copies that differ (the use case saw a changed world the second time)
        show people one version or the other. The first copy is in ``events``; differing ones here."""
        ask = hashlib.blake2b(json.dumps({**detail, "meta": None}, sort_keys=True).encode(), digest_size=8).digest()
        if self._asks.setdefault(key, ask) != ask:
            self.differing_asks.setdefault(key, []).append(detail)

    def _seed(self) -> None:
        """What an operator does once after deploying: verify the SES sender identity."""
        sender = self.stack.resolver.parameters.get("EmailSender")
        if sender:
            self.session.client("ses").verify_email_identity(EmailAddress=sender)

    def _start_ingress(self) -> None:
        ingress = [f for f in self.functions.values() if f.spec.routes]
        if not ingress:
            return
        from chalice.config import Config
        from chalice.local import ChaliceRequestHandler, LocalChalice, LocalDevServer

        mesh = self

        class TracedHandler(ChaliceRequestHandler):
            def do_GET(self) -> None:
                self._traced()

            def do_POST(self) -> None:
                self._traced()

            def _traced(self) -> None:
                started = time.perf_counter()
                with mesh._busy:
                    mesh._inflight += 1
                try:
                    with use_environment(environment):
                        super()._generic_handle()
                finally:
                    with mesh._busy:
                        mesh._inflight -= 1

                self.log_request_done(started)

            def log_request_done(self, started: float) -> None:
                status = getattr(self, "_status", 0)
                mesh.trace.request(self.command, self.path, status, (time.perf_counter() - started) * 1000)

            def send_response(self, code: int, message: str | None = None) -> None:
                self._status = code
                super().send_response(code, message)

            def log_message(self, format: str, *args: Any) -> None:
                return

        port = self._ingress_port
        environment = ingress[0].spec.environment
        app = ingress[0].entry()
        if not isinstance(app, LocalChalice):  # app.current_request per request thread, as create_local_server does
            app.__class__ = type("LocalIngressChalice", (LocalChalice, type(app)), {})
        self._ingress = LocalDevServer(app, Config.create(), self.config.host, port, handler_cls=TracedHandler)
        self._ingress_thread = threading.Thread(target=self._ingress.server.serve_forever, name="ingress", daemon=True)
        self._ingress_thread.start()
        self.ingress_url = f"http://{self.config.host}:{port}"

    # ------------------------------------------------------------------ the loop
    def _poll(self, worker: QueueWorker, slot: int) -> None:
        """Up to ``MaximumConcurrency`` threads per event source mapping, each running one batch at
        a time: a handler that waits (a paced Slack post) holds up only its own batch, as Lambda's SQS
        pollers run concurrent batches of one source. As Lambda scales with the backlog, slot 0
        long-polls all the time and the others only while full batches keep coming back."""
        while not self._stop.is_set():
            if slot and not worker.backlog.wait(timeout=1.0):
                continue
            try:
                handled = worker.poll_once(wait_seconds=1)
                if handled >= worker.source.batch_size:
                    worker.backlog.set()
                elif not handled:
                    worker.backlog.clear()
            except Exception as err:  # a broken AWS call: say so, back off, go on
                self.trace.note(f"runtime error ({worker.function.short_name}): {type(err).__name__}: {err}")
                self._stop.wait(1.0)

    def _run_loop(self) -> None:
        """Schedules and the trace of Slack messages."""
        while not self._stop.is_set():
            handled = 0
            with self._busy:
                self._inflight += 1
            try:
                if time.monotonic() >= self._next_one_shots:  # Scheduler's own granularity is a minute
                    self._next_one_shots = time.monotonic() + 1.0
                    handled += self._one_shots.fire_due()
                for schedule in self._schedules:
                    if schedule.due():
                        schedule.fire()
                        handled += 1
                self._trace_slack()
            except Exception as err:  # the loop must survive a broken AWS call and say so
                self.trace.note(f"runtime error: {type(err).__name__}: {err}")
            finally:
                with self._busy:
                    self._inflight -= 1
            if not handled:
                self._stop.wait(0.2)

    def fire_schedule(self, logical_id: str) -> None:
        """Run a function's scheduled event now (the loop fires each one at start, then on its rate)."""
        for worker in self._schedules:
            if worker.function.spec.logical_id == logical_id:
                with self._busy:
                    worker.fire()

    def _trace_slack(self) -> None:
        messages = self.sink.messages(self._slack_seen)
        for message in messages:
            self.trace.effect("slack", f"{message['channel']} {str(message.get('text', ''))[:90]!r}")
        self._slack_seen += len(messages)

    def is_idle(self, ignore: Collection[str] = ()) -> bool:
        """Nothing running and every queue empty (but the queues of the functions in ``ignore``)."""
        with self._busy:
            if self._inflight:
                return False
        watched = [w for w in self._workers if w.function.spec.logical_id not in ignore]
        if any(w.running for w in watched):  # a batch in flight or being gathered: no need to ask SQS
            return False
        sqs = self._sqs
        sources = [w.source.queue_url for w in watched]
        for url in [self._observer_url, *sources]:
            attrs = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            if int(attrs["ApproximateNumberOfMessages"]) or int(attrs["ApproximateNumberOfMessagesNotVisible"]):
                return False
        return True

    def wait_idle(self, timeout: float = 60.0, settle: float = 0.3, ignore: Collection[str] = ()) -> bool:
        """True once every queue is empty and nothing is running, twice in a row (``ignore``: logical
        ids of functions whose queues may still hold work). Checks back off to twice a second."""
        deadline = time.monotonic() + timeout
        pause = 0.05
        while time.monotonic() < deadline:
            if self.is_idle(ignore):
                time.sleep(settle)
                if self.is_idle(ignore):
                    return True
            time.sleep(pause)
            pause = min(0.5, pause * 2)
        return False

    # ------------------------------------------------------------------ reading effects
    def queue_depth(self, logical_id: str) -> int:
        """Messages on a function's queues, waiting or in flight."""
        depth = 0
        for worker in self._workers:
            if worker.function.spec.logical_id == logical_id:
                attrs = self._sqs.get_queue_attributes(
                    QueueUrl=worker.source.queue_url,
                    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
                )["Attributes"]
                depth += int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
        return depth

    def dlq_depths(self) -> dict[str, int]:
        sqs = self._sqs
        depths = {}
        for logical_id, url in self.stack.queues.items():
            if logical_id.endswith("DLQ"):
                attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                depths[logical_id] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
        return depths

    def unfinished_event_keys(self) -> list[str]:
        """Event keys a consumer was handed and never finished (handled, or parked by its handler)."""
        return sorted({key for worker in self._workers for key in worker.received - worker.completed})

    def injected_faults(self) -> dict[str, int]:
        """Faults injected so far (``TALKWORTHY_FAULTS``): by the Slack sink and the runtime in this
        process, and by the embedded AWS (infra/local/moto_faults.py)."""
        from infra.local.moto_faults import INJECTED_PATH

        injected = Counter(self.faults.injected)
        if self.faults.path is not None:
            injected.update(requests.get(f"{self.moto_url}{INJECTED_PATH}", timeout=10).json())
        return dict(sorted(injected.items()))

    def _outbox(self) -> Outbox:
        from talkworthy.people import load_default_directory

        people = [Person(p.slack, p.name, p.role) for p in load_default_directory().people if p.slack]
        signing = self.secrets["webhooks"]["slack"]["signing"][0]
        return Outbox(self.ingress_url, signing, people, emails=self.inbox, replies=self.replies.replies)

    def inbox(self) -> list[dict[str, Any]]:
        """The e-mails sent through the embedded SES as ``{to, subject, html}``, oldest first."""
        out = []
        for sent in self.sent_emails():
            body = sent.get("body", "")
            to = sent.get("destinations", {}).get("ToAddresses", [])
            out.append({"to": ", ".join(to), "subject": sent.get("subject", ""), "html": body})
        return out

    def sent_emails(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """moto's data dump: it holds every resource, so it grows with the run (``timeout``)."""
        data = requests.get(f"{self.moto_url}/moto-api/data.json", timeout=timeout).json()
        ses = data.get("ses", {})
        return [*ses.get("Message", []), *ses.get("RawMessage", [])]


def _die_with_parent() -> None:
    """Linux: the moto process gets SIGTERM when the mesh process dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
