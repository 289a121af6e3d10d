"""Fault injection in the local mesh, by configuration: ``TALKWORTHY_FAULTS=path/to/faults.yaml``.

No code changes turn a fault on. The file (example: ``infra/local/faults.example.yaml``) says
what fails and how often; each part of the mesh applies its own faults where the real failure
would happen, so the product's own error handling is what runs:

- ``crm``: the built-in CRM's table on the embedded AWS answers DynamoDB's 500
  (``InternalServerError``), its 429 (``ThrottlingException``), a refusal (400
  ``ValidationException``: the event is parked, to be redriven), or hangs and drops the
  connection (a timeout) - in the moto server, so botocore's retries and the adapter's mapping run;
- ``slack``: the Slack sink answers 429 (``Retry-After``) or 500 (``internal_error``);
- ``handler_crash``: the local runtime runs the first half of a batch through the handler (its
  effects happen) and then the invocation dies, as a Lambda killed mid-batch: the whole batch
  comes back;
- ``slow``: the embedded AWS answers a share of its requests late (a slow dependency);
- ``ingress_outage``: the embedded AWS is unreachable for the ingress (the raw archive's Firehose
  stream, and with ``dedupe_table`` its dedupe table) for ``seconds`` out of every ``every_seconds``.

``failed_visible_after_seconds`` is no fault: it shortens, for failed records only, the wait
before SQS hands them out again, so a run with many retries ends in minutes (the receive count,
``maxReceiveCount`` and the DLQ work as before).

Draws come from one seeded ``random.Random`` per part, so a run's faults repeat with its seed
(the order of concurrent requests still varies). The file is re-read when it changes (checked
at most once a second), so faults can be turned off while the mesh runs (``enabled: false``).
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ENV", "FaultPlan", "Faults", "faults_from_env"]

ENV = "TALKWORTHY_FAULTS"
Rate = float


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CrmFaults(_Part):
    refuse_400: Rate = Field(0.0, ge=0, le=1)  # refused for good (a ValidationException): parked at once
    error_500: Rate = Field(0.0, ge=0, le=1)
    throttle_429: Rate = Field(0.0, ge=0, le=1)
    timeout: Rate = Field(0.0, ge=0, le=1)
    hang_seconds: float = Field(1.0, ge=0, le=30)  # how long a timed-out call hangs before the drop
    table_suffix: str = "-crm"  # the CrmTable's name ends so (template.yaml: ${AWS::StackName}-crm)


class SlackFaults(_Part):
    error_429: Rate = Field(0.0, ge=0, le=1)
    error_500: Rate = Field(0.0, ge=0, le=1)
    retry_after_seconds: int = Field(1, ge=0, le=60)


class HandlerCrash(_Part):
    rate: Rate = Field(0.0, ge=0, le=1)  # per batch of two or more records
    functions: list[str] = Field(default_factory=list)  # logical ids; empty: every queue consumer


class SlowDependency(_Part):
    rate: Rate = Field(0.0, ge=0, le=1)
    seconds: float = Field(0.2, ge=0, le=10)


class IngressOutage(_Part):
    every_seconds: float = Field(0.0, ge=0)  # 0: never
    seconds: float = Field(0.0, ge=0)
    # The raw archive's Firehose stream is the ingress's alone. The dedupe table is shared with
    # notify's once-records, so including it fails those too (docs/design-notes.md says what follows).
    dedupe_table: bool = False
    table_suffix: str = "-idempotency"  # the dedupe table (template.yaml: ${AWS::StackName}-idempotency)


class FaultPlan(_Part):
    enabled: bool = True
    seed: int = 0
    # Time compression for a test run, not a fault: a failed record comes back after this many
    # seconds instead of its queue's visibility timeout (60-180 s). None keeps the queue's own.
    failed_visible_after_seconds: int | None = Field(None, ge=0, le=43200)
    crm: CrmFaults = CrmFaults()
    slack: SlackFaults = SlackFaults()
    handler_crash: HandlerCrash = HandlerCrash()
    slow: SlowDependency = SlowDependency()
    ingress_outage: IngressOutage = IngressOutage()


Part = Literal["crm", "slack", "handler_crash", "slow"]


class Faults:
    """The plan in force (re-read when its file changes) and one seeded draw per part."""

    def __init__(self, path: Path | None, *, started: float | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._plan = FaultPlan(enabled=False)
        self._mtime = -1.0
        self._checked = 0.0
        self._draws: dict[str, random.Random] = {}
        self._started = time.monotonic() if started is None else started
        self.injected: dict[str, int] = {}  # fault name -> times injected in this process
        self._reload()

    @property
    def plan(self) -> FaultPlan:
        now = time.monotonic()
        if self.path is not None and now - self._checked >= 1.0:
            self._checked = now
            self._reload()
        return self._plan

    def _reload(self) -> None:
        if self.path is None:
            return
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            mtime = 0.0
        if mtime == self._mtime:
            return
        document = yaml.safe_load(self.path.read_text()) if mtime else None
        plan = FaultPlan.model_validate(document or {"enabled": False})
        with self._lock:
            if plan.seed != self._plan.seed or not self._draws:
                self._draws = {}
            self._plan, self._mtime = plan, mtime

    def draw(self, part: Part, choices: dict[str, float]) -> str | None:
        """One of ``choices`` (name -> probability, summing to at most 1) or None, from the part's draw."""
        if not self.plan.enabled or not any(choices.values()):
            return None
        with self._lock:
            rng = self._draws.setdefault(part, random.Random(f"{self._plan.seed}:{part}"))
            roll = rng.random()
            for name, probability in choices.items():
                if roll < probability:
                    self.injected[name] = self.injected.get(name, 0) + 1
                    return name
                roll -= probability
        return None

    def ingress_outage_now(self) -> bool:
        outage = self.plan.ingress_outage
        if not self.plan.enabled or not outage.every_seconds or not outage.seconds:
            return False
        down = (time.monotonic() - self._started) % outage.every_seconds < outage.seconds
        if down:
            with self._lock:
                self.injected["ingress_outage"] = self.injected.get("ingress_outage", 0) + 1
        return down


def faults_from_env() -> Faults:
    """The faults named by ``TALKWORTHY_FAULTS`` (none when it is unset)."""
    value = os.environ.get(ENV, "").strip()
    return Faults(Path(value).resolve() if value else None)
