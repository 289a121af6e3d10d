"""The reliability suite's deliveries and senders: every delivery sent twice, as senders retry.

A delivery is a signed webhook of one of four flows - mentions of several intents (standard
webhooks), tickets solved (Zendesk), ideas (Canny), behaviour events (standard webhooks) - each
its own post, ticket, idea or order. Every delivery is sent twice with the same dedupe identity:
a third of them both copies at once (two senders racing), the rest a second copy re-signed
later, after every first copy. A sender retries a 5xx, a 409 and a dropped connection with
backoff, as vendors do, until a 2xx or its patience ends; a 4xx is final.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests

from infra.bench_load import _nth as nth_mention
from infra.bench_load import mention_mix
from infra.idea_corpus import generate
from infra.samples import WebhookSample, load_webhook_samples, signed_request

__all__ = ["Answer", "Delivery", "Senders", "build_deliveries"]

KINDS = ("mention", "mention", "mention", "mention", "ticket", "idea", "behaviour", "behaviour")  # the mix


@dataclass(frozen=True)
class Delivery:
    n: int
    kind: str
    sample: WebhookSample
    delivery_id: str
    concurrent: bool  # both copies at once; otherwise the second is re-signed later


@dataclass
class Answer:
    status: int  # the last answer (0: no answer within the sender's patience)
    body: dict[str, Any]
    attempts: int


@dataclass
class Senders:
    url: str
    secrets: dict[str, Any]
    concurrency: int
    patience_seconds: float = 120.0
    answers: dict[tuple[int, int], Answer] = field(default_factory=dict)  # (delivery n, copy 1|2)
    statuses: Counter[int] = field(default_factory=Counter)  # every answer, retries included
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send_all(self, jobs: list[tuple[Delivery, int]]) -> None:
        pending = list(reversed(jobs))

        def work() -> None:
            session = requests.Session()
            while True:
                with self.lock:
                    if not pending:
                        return
                    delivery, copy = pending.pop()
                answer = self._send(session, delivery)
                with self.lock:
                    self.answers[(delivery.n, copy)] = answer

        threads = [threading.Thread(target=work, name=f"sender-{i}") for i in range(self.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _send(self, session: requests.Session, delivery: Delivery) -> Answer:
        deadline, pause, attempts = time.monotonic() + self.patience_seconds, 0.25, 0
        status, body = 0, dict[str, Any]()
        while time.monotonic() < deadline:
            attempts += 1
            url = f"{self.url}/webhooks/{delivery.sample.source}"
            path, headers, payload = signed_request(
                delivery.sample, self.secrets, url, time.time(), delivery.delivery_id
            )
            try:
                response = session.post(f"{self.url}{path}", data=payload, headers=headers, timeout=30)
                status = response.status_code
                body = response.json() if response.content else {}
            except requests.RequestException:
                status, body = 0, dict[str, Any]()
            with self.lock:
                self.statuses[status] += 1
            if 200 <= status < 300 or (400 <= status < 500 and status != 409):
                break
            time.sleep(pause)
            pause = min(5.0, pause * 2)
        return Answer(status, body, attempts)


def _vary_ticket(sample: WebhookSample, n: int) -> bytes:
    body = json.loads(sample.body)
    body["id"] = f"{body['id']}-rel{n}"
    body["subject"] = f"zen:ticket:{900000 + n}"
    body["detail"]["id"] = str(900000 + n)
    return json.dumps(body).encode()


def _vary_idea(sample: WebhookSample, n: int, title: str, text: str) -> bytes:
    body = json.loads(sample.body)
    post = body["object"]
    post["id"] = f"{post['id']}{n:06d}"
    post["title"], post["details"] = title, text
    post["url"] = f"{post['url']}-{n}"
    return json.dumps(body).encode()


def _vary_order(sample: WebhookSample, n: int) -> bytes:
    body = json.loads(sample.body)
    data = body["data"]
    data["customer_id"] = f"cus_rel_{n % 40:03d}"
    data["email"] = f"buyer{n % 40}@globex.example"
    data["amount"] = 100.0 + n
    data["at"] = f"2025-{1 + n % 11:02d}-{1 + n % 27:02d}T10:{n % 60:02d}:00Z"
    return json.dumps(body).encode()


def build_deliveries(count: int) -> list[Delivery]:
    """``count`` deliveries of the mix, each its own record in its system (fixed, no randomness)."""
    samples = {(s.source, s.name): s for s in load_webhook_samples()}
    mentions = mention_mix()
    ideas = generate(count // len(KINDS) + 1, queries=0).known
    out = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        if kind == "mention":
            sample = nth_mention(mentions[(n // len(KINDS)) % len(mentions)], n)
        elif kind == "ticket":
            base = samples[("zendesk", "ticket_solved")]
            sample = dataclasses.replace(base, name=f"ticket-{n}", body=_vary_ticket(base, n))
        elif kind == "idea":
            base, idea = samples[("canny", "post_created")], ideas[n // len(KINDS)]
            sample = dataclasses.replace(base, name=f"idea-{n}", body=_vary_idea(base, n, idea.title, idea.text))
        else:
            base = samples[("standard", "behavior_order")]
            sample = dataclasses.replace(base, name=f"order-{n}", body=_vary_order(base, n))
        out.append(Delivery(n, kind, sample, f"msg_rel_{n:06d}", concurrent=n % 3 == 0))
    return out
