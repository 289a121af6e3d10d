"""Through the local mesh: bad input gets a 4xx with a reason and publishes nothing;
duplicates are harmless."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests

from infra.demo import send_sample
from infra.local.mesh import LocalMesh
from infra.samples import load_webhook_samples

MENTION = next(s for s in load_webhook_samples() if s.name == "mention_created_complaint")


def _received(mesh: LocalMesh) -> int:
    return mesh.published["Mention.Received"]


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        ("/webhooks/standard", {"Content-Type": "application/json"}, MENTION.body, 401),  # unsigned
        ("/webhooks/nowhere", {"Content-Type": "application/json"}, b"{}", 404),
        ("/webhooks/standard", {"Content-Type": "application/json"}, b"x" * (300 * 1024), 413),
        ("/webhooks/standard", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=1", 415),
    ],
)
def test_rejections_have_a_json_reason_and_publish_nothing(
    mesh: LocalMesh, path: str, headers: dict[str, str], body: bytes, status: int
) -> None:
    before = _received(mesh)
    answer = requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10)
    assert answer.status_code == status
    assert answer.json()["reason"]
    assert mesh.wait_idle(timeout=30)
    assert _received(mesh) == before


def test_tampered_and_stale_deliveries_are_401(mesh: LocalMesh) -> None:
    secrets = mesh.secrets["webhooks"]
    from infra.samples import signed_request

    path, headers, body = signed_request(MENTION, secrets, "", time.time())
    tampered = requests.post(
        f"{mesh.ingress_url}{path}", data=body.replace(b"Enterprise", b"Free"), headers=headers, timeout=10
    )
    path, headers, body = signed_request(MENTION, secrets, "", time.time() - 3600)
    stale = requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10)
    assert (tampered.status_code, stale.status_code) == (401, 401)
    assert "stale" in stale.json()["reason"] or "timestamp" in stale.json()["reason"]


def test_same_delivery_100_times_yields_one_event(mesh: LocalMesh) -> None:
    sample = next(s for s in load_webhook_samples() if s.name == "mention_created_pricing_question")
    before = _received(mesh)
    statuses = [send_sample(mesh.ingress_url, sample, mesh.secrets["webhooks"]).status_code for _ in range(100)]
    assert statuses.count(202) == 1
    assert statuses.count(200) == 99
    assert mesh.wait_idle(timeout=60)
    assert _received(mesh) - before == 1


def test_openapi_is_served(mesh: LocalMesh) -> None:
    document = requests.get(f"{mesh.ingress_url}/openapi.json", timeout=10).json()
    assert "/webhooks/{source}" in document["paths"]


def test_accepted_deliveries_are_archived_in_the_raw_bucket_through_firehose(mesh: LocalMesh) -> None:
    from infra.samples import signed_request

    path, headers, body = signed_request(MENTION, mesh.secrets["webhooks"], "", time.time(), "msg_archive_e2e")
    answer = requests.post(f"{mesh.ingress_url}{path}", data=body, headers=headers, timeout=10).json()
    assert answer["status"] == "accepted"
    assert answer["archived"]  # the Firehose RecordId

    # moto's Firehose writes each record at once, uncompressed, under raw/YYYY/MM/DD/HH/
    s3, bucket = mesh.session.client("s3"), mesh.stack.attr("RawDeliveriesBucket")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="raw/").get("Contents", [])]
    lines = [line for key in keys for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines()]
    [record] = [r for r in map(json.loads, lines) if r["correlation_id"] == answer["delivery"]]
    assert base64.b64decode(record["body_base64"]) == body
    assert record["source"] == "standard"
