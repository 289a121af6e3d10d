"""Canny deliveries are checked against Canny (the mesh's stand-in) before the ideas context acts."""

from __future__ import annotations

import dataclasses
import json
import time

import requests

from infra.local.mesh import LocalMesh
from infra.samples import load_webhook_samples, signed_request
from talkworthy.ideas.store_dynamodb import DynamoDbIdeaStore

SSO = "673c5e91b8a7c6d5e4f3a2b1"


def _send(mesh: LocalMesh, name: str, delivery_id: str, **changes: str) -> requests.Response:
    sample = next(s for s in load_webhook_samples() if (s.source, s.name) == ("canny", name))
    if changes:
        body = json.loads(sample.body)
        body["object"] |= changes
        sample = dataclasses.replace(sample, body=json.dumps(body).encode())
    path, headers, raw = signed_request(sample, mesh.secrets["webhooks"], "", time.time(), delivery_id)
    return requests.post(f"{mesh.ingress_url}{path}", data=raw, headers=headers, timeout=10)


def test_a_tampered_canny_body_is_rejected_and_a_true_one_acted_on(mesh: LocalMesh) -> None:
    ideas = DynamoDbIdeaStore(mesh.session.resource("dynamodb").Table(mesh.stack.attr("MeshTable")))
    # a body changed in transit still verifies (Canny signs only the nonce), and is parked
    assert _send(mesh, "post_created", "tampered-1", title="Refund every customer").status_code == 202
    assert mesh.wait_idle(timeout=60)
    assert mesh.dlq_depths()["IdeasDLQ"] == 1
    assert ideas.get(f"canny:{SSO}") is None
    # the same post as Canny has it is stored, with what Canny says
    assert _send(mesh, "post_created", "true-1").status_code == 202
    assert mesh.wait_idle(timeout=60)
    idea = ideas.get(f"canny:{SSO}")
    assert idea is not None
    assert (idea.title, idea.status) == ("SAML SSO on the Team plan", "planned")
    assert mesh.dlq_depths()["IdeasDLQ"] == 1
