"""Concurrent requests through the local mesh behave as they do on AWS."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from infra.local.mesh import LocalMesh
from infra.local.template import REPO_ROOT
from infra.samples import WebhookSample, load_webhook_samples, signed_request

# praise is logged only: the downstream work per mention is small, the ingress is what is tested
PRAISE = next(s for s in load_webhook_samples(REPO_ROOT / "events" / "demo" / "webhooks") if s.name == "praise")


def _variant(sample: WebhookSample, tag: str) -> WebhookSample:
    body = json.loads(sample.body)
    body["data"]["post_id"] = f"{body['data']['post_id']}-{tag}"
    return dataclasses.replace(sample, name=f"{sample.name}-{tag}", body=json.dumps(body).encode())


def _post(mesh: LocalMesh, request: tuple[str, dict[str, str], bytes]) -> requests.Response:
    path, headers, body = request
    return requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=30)


def _copies_on_the_bus(mesh: LocalMesh, detail_type: str) -> Counter[str]:
    return Counter({key: n for key, n in mesh.bus_copies.items() if key.startswith(f"{detail_type}|")})


def test_concurrent_copies_of_one_delivery_are_accepted_and_published_once(mesh: LocalMesh) -> None:
    """DynamoDB's conditional put is atomic per item; moto's is bridged to be (README, moto gaps)."""
    copies, rounds = 8, 12
    before = _copies_on_the_bus(mesh, "Mention.Received")
    statuses: list[list[int]] = []
    start = threading.Barrier(copies)

    def send(request: tuple[str, dict[str, str], bytes]) -> int:
        start.wait()  # every copy leaves at once
        return _post(mesh, request).status_code

    with ThreadPoolExecutor(copies) as pool:
        for n in range(rounds):
            sample = _variant(PRAISE, f"dup{n}")
            request = signed_request(sample, mesh.secrets["webhooks"], "", time.time(), f"msg_dup_{n}")
            statuses.append(sorted(pool.map(send, [request] * copies)))
    for answers in statuses:  # one accepted; each other copy is a duplicate (200) or still in progress (409)
        assert answers.count(202) == 1
        assert set(answers) <= {200, 202, 409}
    assert mesh.wait_idle(timeout=120)
    published = _copies_on_the_bus(mesh, "Mention.Received") - before
    assert len(published) == rounds
    assert set(published.values()) == {1}  # one event per delivery, never a second copy


def test_concurrent_distinct_deliveries_are_each_answered_for_their_own_body(mesh: LocalMesh) -> None:
    """app.current_request is per request thread, as in Chalice's own local server."""
    before = mesh.published["Mention.Received"]
    samples = [_variant(PRAISE, f"own{n}") for n in range(32)]
    secrets = mesh.secrets["webhooks"]
    signed = [signed_request(s, secrets, "", time.time(), f"msg_own_{n}") for n, s in enumerate(samples)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda r: _post(mesh, r), signed))
    assert [a.status_code for a in answers] == [202] * len(samples)
    assert len({a.json()["delivery"] for a in answers}) == len(samples)
    assert mesh.wait_idle(timeout=120)
    assert mesh.published["Mention.Received"] - before == len(samples)


def test_the_current_request_of_one_thread_is_not_seen_by_another(mesh: LocalMesh) -> None:
    app = next(f for f in mesh.functions.values() if f.spec.routes).entry()
    seen: list[object] = []
    marker = object()

    def other_thread() -> None:
        app.current_request = marker
        seen.append(app.current_request)

    app.current_request = None
    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [marker]
    assert app.current_request is None
